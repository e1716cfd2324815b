package io.tandem.sync;

import static io.tandem.sync.SyncNode.TCP;
import static io.tandem.sync.SyncNode.UDP;
import static io.tandem.sync.SyncNode.client;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.director.IpAddresses;
import io.tandem.director.conn.TcpStates;
import io.tandem.sync.SyncCounters.Counter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two directors' tables synced over real UDP sockets on loopback. */
@Timeout(120)
class ConnectionSyncTest {
    private SyncNode a;
    private SyncNode b;
    private InetSocketAddress addressA;
    private InetSocketAddress addressB;

    private void pair(int capacity, boolean startB) throws Exception {
        InetSocketAddress[] ports = SyncNode.loopbackPair();
        addressA = ports[0];
        addressB = ports[1];
        a = new SyncNode("a", false, capacity, SyncConfig.of(addressA, addressB, 11), Keys.ONE, null);
        b = new SyncNode("b", true, capacity, SyncConfig.of(addressB, addressA, 22), Keys.ONE, null);
        a.start();
        if (startB) {
            b.start();
        }
    }

    @AfterEach
    void close() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    /** What b holds must be a's entries, same real servers by address, same states, marked synced. */
    private static void assertMirrors(Map<String, String> source, Map<String, String> copy) {
        assertEquals(source.size(), copy.size());
        for (Map.Entry<String, String> e : source.entrySet()) {
            String expected = e.getValue().replace(" synced", "") + " synced";
            assertEquals(expected, copy.get(e.getKey()), e.getKey());
        }
    }

    @Test
    void shouldReplicateConnectionsTemplatesUdpAndIpv6FromTheFirstPacket() throws Exception {
        pair(8192, true);
        assertTrue(b.sync.awaitSynchronised(10_000), "empty dump completes");
        a.connect(0, 1000);
        a.call(e -> {
            long now = System.nanoTime();
            long vip6High = IpAddresses.high(SyncNode.VIP6);
            long vip6Low = IpAddresses.low(SyncNode.VIP6);
            for (int i = 0; i < 100; i++) {
                e.onClientPacket(TCP, 0, client(i), 2000 + i, 0, IpAddresses.low(SyncNode.VIP_PERSISTENT), 443,
                        TcpStates.SYN, 60, now);
                e.onClientPacket(UDP, 0, client(i), 3000 + i, 0, IpAddresses.low(SyncNode.VIP), 53, 0, 60, now);
                e.onClientPacket(TCP, 0x2001_0DB8_0001_0000L, i, 4000 + i, vip6High, vip6Low, 80, TcpStates.SYN, 80,
                        now);
            }
            return null;
        });
        Map<String, String> source = a.entries();
        assertEquals(1000 + 100 + 100 + 100 + 100, source.size(), "connections and 100 persistence templates");
        await().atMost(Duration.ofSeconds(20)).until(() -> b.size() == source.size());
        assertMirrors(source, b.entries());
        assertEquals(0, b.sync.counters().get(Counter.ENTRIES_UNMAPPED));
        assertEquals(0, b.sync.counters().get(Counter.DROPS));
    }

    @Test
    void shouldCarryStateChangesAndSyncBothWays() throws Exception {
        pair(8192, true);
        assertTrue(a.sync.awaitSynchronised(10_000) && b.sync.awaitSynchronised(10_000));
        a.connect(0, 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> b.size() == 200);
        a.call(e -> {
            long now = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                e.onClientPacket(TCP, 0, client(0), 1024 + i, 0, IpAddresses.low(SyncNode.VIP), 80,
                        i % 2 == 0 ? TcpStates.ACK : TcpStates.FIN | TcpStates.ACK, 60, now);
            }
            return null;
        });
        Map<String, String> source = a.entries();
        await().atMost(Duration.ofSeconds(20)).until(() -> b.entries().values().stream()
                .filter(v -> v.contains("ESTABLISHED")).count() == 100);
        assertMirrors(source, b.entries());

        b.connect(100_000, 300);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.size() == 500);
        Map<String, String> onA = a.entries();
        Map<String, String> onB = b.entries();
        assertEquals(onA.keySet(), onB.keySet());
        assertEquals(300, onA.values().stream().filter(v -> v.endsWith("synced")).count(),
                "b's connections are learnt by a, a's own are not marked");
    }

    @Test
    void shouldTransferTheWholeTableToANodeThatJoinsLate() throws Exception {
        pair(262_144, false);
        assertEquals(200_000, a.connect(0, 200_000));
        b.start();
        assertTrue(b.sync.awaitSynchronised(60_000), "bulk transfer completes");
        assertEquals(200_000, b.size(), "everything is in b's table once it says it is synchronised");
        assertTrue(a.sync.counters().get(Counter.BULK_ENTRIES_SENT) >= 200_000);
        assertEquals(1, b.sync.counters().get(Counter.BULKS_COMPLETED));
    }

    @Test
    void shouldReturnFromFlushOnlyWhenThePeerHasAppliedEverything() throws Exception {
        pair(65_536, true);
        assertTrue(b.sync.awaitSynchronised(10_000));
        for (int round = 0; round < 5; round++) {
            a.connect(round * 5000, 5000);
            assertTrue(a.sync.flush(10_000), "flush acknowledged");
            assertEquals((round + 1) * 5000, b.size(), "acknowledged means applied");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.sync.counters().lagNs(System.nanoTime()) == 0);
    }

    @Test
    void shouldTakeNothingFromThePeerStreamBeforeTheBeginOfItsDump() throws Exception {
        pair(8192, false);
        a.connect(0, 100);
        b.start();
        assertTrue(b.sync.awaitSynchronised(10_000));
        assertEquals(100, b.size());
        assertEquals(1, b.sync.counters().get(Counter.BULKS_COMPLETED));
    }

    @Test
    void shouldNotConfirmAFlushWithoutAPeer() throws Exception {
        pair(1024, false);
        a.connect(0, 10);
        assertFalse(a.sync.flush(300));
        assertFalse(a.sync.awaitSynchronised(300), "a node alone is not synchronised");
        assertTrue(a.sync.counters().get(Counter.BULK_REQUESTS_SENT) >= 1);
    }

    @Test
    void shouldDropForgedAndReplayedDatagramsFromThePeerAddress() throws Exception {
        pair(1024, false);
        a.close();
        a = null;
        b.start();
        b.sync.abandonBulkRequest();
        try (DatagramChannel fake = DatagramChannel.open()) {
            fake.bind(addressA);
            fake.connect(addressB);
            byte[] d = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
            int end = SyncCodec.putEntry(d, SyncCodec.HEADER_BYTES, TCP, false, TcpStates.ESTABLISHED, 0, client(1),
                    5555, 0, IpAddresses.low(SyncNode.VIP), 80, 0, IpAddresses.low(SyncNode.address("198.51.100.21")),
                    80, 900_000, 900_000);
            SyncCodec.putHeader(d, SyncCodec.TYPE_DATA, 0, 1, 11, 1, 0, 0);
            int forged = new SyncCodec(Keys.OTHER_SECRET).sign(d, end);
            fake.write(ByteBuffer.wrap(d, 0, forged));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.sync.counters().dropped(DropReason.BAD_MAC) == 1);
            assertEquals(0, b.size(), "a forged entry is not learnt");

            int genuine = new SyncCodec(Keys.ONE).sign(d, end);
            fake.write(ByteBuffer.wrap(d, 0, genuine));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.size() == 1);
            fake.write(ByteBuffer.wrap(d, 0, genuine));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.sync.counters().dropped(DropReason.REPLAYED) == 1);
            assertEquals(1, b.sync.counters().get(Counter.ENTRIES_APPLIED), "the replay applied nothing");
        }
    }
}
