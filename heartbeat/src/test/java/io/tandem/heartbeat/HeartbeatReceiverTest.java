package io.tandem.heartbeat;

import static io.tandem.heartbeat.Fixtures.CLUSTER;
import static io.tandem.heartbeat.Fixtures.keys;
import static io.tandem.heartbeat.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The receive path without sockets: the same heartbeat over two links is delivered once and heard
 * on both; replays count for no link.
 */
class HeartbeatReceiverTest {
    private static final long MS = 1_000_000L;
    private static final InetSocketAddress FROM = new InetSocketAddress("192.0.2.2", 694);

    record Delivery(HeartbeatMessage m, HeartbeatLink link) {
    }

    private final HeartbeatCodec sender = new HeartbeatCodec(CLUSTER, keys());
    private final HeartbeatCounters counters = new HeartbeatCounters();
    private final ReplayGuard guard = new ReplayGuard();
    private final PeerLinks links = new PeerLinks("beta", "alpha", 1_000 * MS, 2_000 * MS, null);
    private final List<HeartbeatLink> two = links.setMedia(List.of(PeerLinksTest.ucast("eth0", "192.0.2.2"),
            PeerLinksTest.ucast("eth1", "198.51.100.2")));
    private final List<Delivery> delivered = new ArrayList<>();
    private final HeartbeatReceiver receiver = new HeartbeatReceiver(new HeartbeatCodec(CLUSTER, keys()), counters,
            guard, links, new HeartbeatListener() {
                @Override
                public void onHeartbeat(HeartbeatMessage m, InetSocketAddress from, long receivedNanos) {
                    throw new AssertionError("the four-argument method is the one called");
                }

                @Override
                public void onHeartbeat(HeartbeatMessage m, HeartbeatLink link, InetSocketAddress from, long nanos) {
                    delivered.add(new Delivery(m, link));
                }
            }, () -> 0L, "beta", "alpha");

    private ByteBuf datagram(long sequence) {
        ByteBuf b = Unpooled.buffer();
        sender.encode(message("alpha", 1, sequence), 5 * MS, 0, 0, b);
        return b;
    }

    private void arrives(HeartbeatLink link, long sequence, long nowNanos) {
        receiver.onDatagram(link, datagram(sequence), FROM, nowNanos);
    }

    private void assertBalanced() {
        assertEquals(counters.received(), counters.accepted() + counters.copies() + counters.droppedTotal(),
                () -> "counters " + counters.snapshot());
    }

    @Test
    void shouldDeliverEachHeartbeatOnceButCountItHeardOnEveryLink() {
        arrives(two.get(0), 1, 10 * MS);
        arrives(two.get(1), 1, 11 * MS);
        arrives(two.get(1), 2, 210 * MS);
        arrives(two.get(0), 2, 212 * MS);

        assertEquals(2, delivered.size());
        assertSame(two.get(0), delivered.get(0).link());
        assertSame(two.get(1), delivered.get(1).link(), "the faster link brings the message");
        assertEquals(2, counters.accepted());
        assertEquals(2, counters.copies());
        assertEquals(0, counters.droppedTotal());
        List<LinkStatus> status = links.snapshot(212 * MS);
        assertEquals(List.of(true, true), List.of(status.get(0).up(), status.get(1).up()));
        assertEquals(List.of(0.0, 0.0), List.of(status.get(0).lossPercent(), status.get(1).lossPercent()));
        assertBalanced();
    }

    @Test
    void shouldCreditALateCopyToItsLinkWithoutDeliveringStaleState() {
        arrives(two.get(0), 1, 0);
        arrives(two.get(0), 2, 200 * MS);
        arrives(two.get(0), 3, 400 * MS);
        arrives(two.get(1), 1, 401 * MS);

        assertEquals(3, delivered.size());
        assertEquals(1, counters.copies());
        assertEquals(100.0 * 2 / 3, links.snapshot(401 * MS).get(1).lossPercent(), 0.01, "2 and 3 not (yet) on eth1");
        assertBalanced();
    }

    @Test
    void shouldDropTheSameDatagramTwiceOnOneLinkAsReplayed() {
        arrives(two.get(0), 7, 0);
        arrives(two.get(0), 7, MS);

        assertEquals(1, delivered.size());
        assertEquals(1, counters.dropped(DropReason.REPLAYED));
        assertEquals(1, links.snapshot(MS).get(0).dropped());
        assertBalanced();
    }

    @Test
    void shouldNotLetOldHeartbeatsReplayedIntoAnotherLinkMakeItLookAlive() {
        for (long seq = 1; seq <= 200; seq++) {
            arrives(two.get(0), seq, seq * 200 * MS);
        }
        arrives(two.get(1), 100, 201 * 200 * MS);

        assertEquals(1, counters.dropped(DropReason.REPLAYED));
        assertEquals(-1, links.snapshot(201 * 200 * MS).get(1).lastHeardMillisAgo(), "eth1 heard nothing genuine");
        assertEquals(0, counters.copies());
        assertBalanced();
    }

    @Test
    void shouldDeliverAHeartbeatFromAnUnlistedSourceButCountItForNoLink() {
        receiver.onDatagram(null, datagram(1), new InetSocketAddress("203.0.113.9", 694), 0);
        receiver.onDatagram(null, datagram(1), new InetSocketAddress("203.0.113.9", 694), MS);

        assertEquals(1, delivered.size());
        assertNull(delivered.get(0).link());
        assertEquals(1, counters.unattributed());
        assertEquals(1, counters.dropped(DropReason.REPLAYED), "no link to credit a copy to: a replay");
        assertEquals(List.of(-1L, -1L), links.snapshot(MS).stream().map(LinkStatus::lastHeardMillisAgo).toList());
        assertBalanced();
    }

    @Test
    void shouldCountForgedOwnAndStrangersDatagramsAgainstTheirLinkOnly() {
        ByteBuf forged = Unpooled.buffer();
        new HeartbeatCodec(CLUSTER, keys(Fixtures.key(1, "guess"))).encode(message("alpha", 1, 1), forged);
        receiver.onDatagram(two.get(1), forged, FROM, 0);
        ByteBuf own = Unpooled.buffer();
        sender.encode(message("beta", 1, 1), own);
        receiver.onDatagram(two.get(1), own, FROM, 0);
        ByteBuf stranger = Unpooled.buffer();
        sender.encode(message("gamma", 1, 1), stranger);
        receiver.onDatagram(two.get(1), stranger, FROM, 0);

        assertEquals(List.of(), delivered);
        assertEquals(1, counters.dropped(DropReason.BAD_MAC));
        assertEquals(1, counters.dropped(DropReason.FROM_SELF));
        assertEquals(1, counters.dropped(DropReason.UNKNOWN_NODE));
        LinkStatus eth1 = links.snapshot(0).get(1);
        assertEquals(3, eth1.received());
        assertEquals(3, eth1.dropped());
        assertEquals(-1, eth1.lastHeardMillisAgo());
        assertBalanced();
    }

    @Test
    void shouldCarryTheLinkEchoIntoTheLinksRoundTripTime() {
        ByteBuf echoed = Unpooled.buffer();
        sender.encode(message("alpha", 1, 1), 77, 100 * MS, 4 * MS, echoed);

        receiver.onDatagram(two.get(0), echoed, FROM, 110 * MS);

        assertEquals(6_000, links.snapshot(110 * MS).get(0).rttMicros());
        assertEquals(77, links.echoNanos(two.get(0)));
    }

    @Test
    void shouldCountCopiesAndReplaysWithoutAllocating() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ByteBuf[] datagrams = new ByteBuf[66];
        for (int seq = 1; seq < datagrams.length; seq++) {
            datagrams[seq] = Unpooled.directBuffer(2048).writeBytes(datagram(seq));
        }
        receiver.onDatagram(two.get(0), datagrams[1], FROM, 0);
        receiver.onDatagram(two.get(1), datagrams[1], FROM, 0); // eth1 comes up: logged once, that allocates
        for (int i = 0; i < 50_000; i++) { // warm up the replay path, which runs the same checks
            receiver.onDatagram(two.get(0), datagrams[1], FROM, i);
        }
        for (int seq = 2; seq < datagrams.length; seq++) {
            receiver.onDatagram(two.get(0), datagrams[seq], FROM, seq);
        }
        long id = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(id);
        for (int seq = 2; seq < datagrams.length; seq++) {
            receiver.onDatagram(two.get(1), datagrams[seq], FROM, seq);
        }
        for (int i = 0; i < 10_000; i++) {
            receiver.onDatagram(two.get(1), datagrams[2], FROM, i);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;

        assertEquals(65, counters.copies());
        assertEquals(50_000 + 10_000, counters.dropped(DropReason.REPLAYED));
        // Per datagram: zero (a one-off of a few bytes from the JIT's first runs is not per packet).
        assertEquals(0, allocated / (64 + 10_000), allocated + " bytes allocated by 64 copies and 10000 replays");
    }
}
