package io.tandem.heartbeat;

import static io.tandem.heartbeat.Fixtures.CLUSTER;
import static io.tandem.heartbeat.Fixtures.encode;
import static io.tandem.heartbeat.Fixtures.key;
import static io.tandem.heartbeat.Fixtures.keys;
import static io.tandem.heartbeat.Fixtures.message;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import io.tandem.config.HaConfig;
import io.tandem.config.Medium;
import io.tandem.config.UcastMedium;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The transport over real loopback sockets, once on NIO and once on epoll. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeartbeatTransportTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);

    enum Io { NIO, EPOLL }

    private static IoEventLoopGroup nio;
    private static IoEventLoopGroup epoll;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Received> atAlpha = new CopyOnWriteArrayList<>();
    private final List<Received> atBeta = new CopyOnWriteArrayList<>();

    record Received(HeartbeatMessage m, HeartbeatLink link, InetSocketAddress from, long receivedNanos,
            Thread thread) {
    }

    @BeforeAll
    static void startEventLoops() {
        nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        if (Epoll.isAvailable()) {
            epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        }
    }

    @AfterAll
    static void stopEventLoops() {
        nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (epoll != null) {
            epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static IoEventLoopGroup group(Io io) {
        if (io == Io.EPOLL) {
            assumeTrue(epoll != null, () -> "native epoll unavailable: " + Epoll.unavailabilityCause());
            return epoll;
        }
        return nio;
    }

    static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static UcastMedium ucastLo(int last) {
        return new UcastMedium("lo", loopback(last), 0);
    }

    /**
     * A transport bound to 127.0.0.{@code at}:{@code port} (0: pick one) with one ucast medium
     * towards 127.0.0.{@code peerAt}.
     */
    private HeartbeatTransport transport(Io io, String self, String peer, AuthKeys keys, List<Received> sink,
            long fakeNow, int at, int port, int peerAt) throws IOException {
        HeartbeatTransport t = HeartbeatTransport.builder()
                .eventLoopGroup(group(io))
                .bindAddress(loopback(at))
                .port(port)
                .media(List.of(ucastLo(peerAt)))
                .cluster(CLUSTER)
                .authKeys(keys)
                .self(self)
                .peer(peer)
                .nanoClock(() -> fakeNow)
                .listener(new HeartbeatListener() {
                    @Override
                    public void onHeartbeat(HeartbeatMessage m, InetSocketAddress from, long nanos) {
                        throw new AssertionError("the transport calls the four-argument method");
                    }

                    @Override
                    public void onHeartbeat(HeartbeatMessage m, HeartbeatLink link, InetSocketAddress from,
                            long nanos) {
                        sink.add(new Received(m, link, from, nanos, Thread.currentThread()));
                    }
                })
                .bind();
        open.add(t);
        return t;
    }

    /** alpha on 127.0.0.2 and beta on 127.0.0.3, one port, each with a ucast medium to the other. */
    private HeartbeatTransport[] pair(Io io) throws IOException {
        return pair(io, keys(), keys());
    }

    private HeartbeatTransport[] pair(Io io, AuthKeys alphaKeys, AuthKeys betaKeys) throws IOException {
        HeartbeatTransport alpha = transport(io, "alpha", "beta", alphaKeys, atAlpha, 111, 2, 0, 3);
        HeartbeatTransport beta = transport(io, "beta", "alpha", betaKeys, atBeta, 222, 3,
                alpha.localAddress().getPort(), 2);
        return new HeartbeatTransport[] {alpha, beta};
    }

    private DatagramSocket rawSocket() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        open.add(s);
        return s;
    }

    private static void sendRaw(DatagramSocket socket, byte[] datagram, HeartbeatTransport to) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, to.localAddress()));
    }

    private static void assertBalanced(HeartbeatCounters c) {
        assertEquals(c.received(), c.accepted() + c.copies() + c.droppedTotal(), () -> "counters " + c.snapshot());
    }

    @ParameterizedTest
    @EnumSource(Io.class)
    void shouldDeliverHeartbeatsBetweenTwoTransports(Io io) throws IOException {
        HeartbeatTransport[] p = pair(io);
        HeartbeatTransport alpha = p[0];
        HeartbeatTransport beta = p[1];

        alpha.send(message("alpha", 1, 1));
        alpha.send(message("alpha", 1, 2));
        beta.send(message("beta", 9, 1));

        await().atMost(WAIT).until(() -> atBeta.size() == 2 && atAlpha.size() == 1);
        assertEquals(message("alpha", 1, 1), atBeta.get(0).m());
        assertEquals(message("alpha", 1, 2), atBeta.get(1).m());
        assertEquals(message("beta", 9, 1), atAlpha.get(0).m());
        assertEquals(alpha.localAddress(), atBeta.get(0).from());
        assertEquals("ucast lo 127.0.0.2", atBeta.get(0).link().name(), "the link is the ucast medium of the source");
        assertEquals("ucast lo 127.0.0.3", atAlpha.get(0).link().name());
        assertEquals(222, atBeta.get(0).receivedNanos(), "from the injected clock");
        assertTrue(group(io).next().inEventLoop(atBeta.get(0).thread()), "the listener runs on the event loop");
        await().atMost(WAIT).until(() -> alpha.counters().sent() == 2);
        assertEquals(0, alpha.counters().sendErrors());
        assertEquals(2, beta.counters().accepted());
        assertEquals(0, beta.counters().unattributed());
        assertBalanced(beta.counters());
        List<LinkStatus> links = beta.linkStatus();
        assertEquals(1, links.size());
        assertEquals(2, links.get(0).received());
        assertEquals(1, links.get(0).sent());
    }

    @ParameterizedTest
    @EnumSource(Io.class)
    void shouldCountWrongKeyAsBadMacAndNotDeliver(Io io) throws IOException {
        HeartbeatTransport beta = pair(io)[1];
        HeartbeatCodec forger = new HeartbeatCodec(CLUSTER, keys(key(1, "guessed")));

        sendRaw(rawSocket(), encode(forger, message("alpha", 1, 1)), beta);

        await().atMost(WAIT).until(() -> beta.counters().dropped(DropReason.BAD_MAC) == 1);
        assertEquals(List.of(), atBeta);
        assertEquals(0, beta.counters().accepted());
        assertEquals(1L, beta.counters().snapshot().get("dropped.bad_mac"));
        assertBalanced(beta.counters());
    }

    @ParameterizedTest
    @EnumSource(Io.class)
    void shouldCountReplayedDatagram(Io io) throws IOException {
        HeartbeatTransport beta = pair(io)[1];
        byte[] captured = encode(new HeartbeatCodec(CLUSTER, keys()), message("alpha", 4, 17));
        DatagramSocket attacker = rawSocket();

        sendRaw(attacker, captured, beta);
        await().atMost(WAIT).until(() -> atBeta.size() == 1);
        sendRaw(attacker, captured, beta);

        await().atMost(WAIT).until(() -> beta.counters().dropped(DropReason.REPLAYED) == 1);
        assertEquals(1, atBeta.size());
        assertEquals(1, beta.counters().accepted());
        assertBalanced(beta.counters());
    }

    @ParameterizedTest
    @EnumSource(Io.class)
    void shouldDropOwnAndStrangersHeartbeats(Io io) throws IOException {
        HeartbeatTransport beta = pair(io)[1];
        HeartbeatCodec codec = new HeartbeatCodec(CLUSTER, keys());
        DatagramSocket s = rawSocket();

        sendRaw(s, encode(codec, message("beta", 1, 1)), beta);
        sendRaw(s, encode(codec, message("gamma", 1, 1)), beta);
        sendRaw(s, new byte[HeartbeatCodec.MAX_DATAGRAM_BYTES + 100], beta);
        sendRaw(s, encode(new HeartbeatCodec("other", keys()), new HeartbeatMessage("other", "alpha", 1, 1, 0, 0,
                NodeState.RUNNING, 1, Fixtures.DIGEST, List.of())), beta);

        await().atMost(WAIT).until(() -> beta.counters().received() == 4);
        HeartbeatCounters c = beta.counters();
        assertEquals(1, c.dropped(DropReason.FROM_SELF));
        assertEquals(1, c.dropped(DropReason.UNKNOWN_NODE));
        assertEquals(1, c.dropped(DropReason.OVERSIZED), "a datagram past 1400 bytes is not cut down to fit");
        assertEquals(1, c.dropped(DropReason.FOREIGN_CLUSTER));
        assertEquals(List.of(), atBeta);
        assertBalanced(c);
    }

    @ParameterizedTest
    @EnumSource(Io.class)
    void shouldSendOneCopyOnEveryMedium(Io io) throws IOException {
        HeartbeatTransport[] p = pair(io);
        int port = p[0].localAddress().getPort();
        DatagramSocket secondLink = new DatagramSocket(new InetSocketAddress(loopback(4), port));
        open.add(secondLink);
        secondLink.setSoTimeout(5_000);
        p[0].updateMedia(List.of(ucastLo(3), ucastLo(4)));

        p[0].send(message("alpha", 1, 1));

        DatagramPacket copy = new DatagramPacket(new byte[2048], 2048);
        try {
            secondLink.receive(copy);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the second medium got nothing", e);
        }
        DecodeResult r = new HeartbeatCodec(CLUSTER, keys()).decode(
                Unpooled.wrappedBuffer(copy.getData(), 0, copy.getLength()));
        assertEquals(message("alpha", 1, 1), r.message());
        await().atMost(WAIT).until(() -> atBeta.size() == 1 && p[0].counters().sent() == 2);
        assertEquals(List.of(ucastLo(3), ucastLo(4)), p[0].media());
    }

    @ParameterizedTest
    @EnumSource(Io.class)
    void shouldRotateKeysWithoutLosingHeartbeats(Io io) throws IOException {
        AuthKey oldKey = key(1, "old");
        AuthKey newKey = key(2, "new");
        HeartbeatTransport[] p = pair(io, keys(oldKey), keys(oldKey, newKey));
        HeartbeatTransport alpha = p[0];
        HeartbeatTransport beta = p[1];

        alpha.send(message("alpha", 1, 1));
        alpha.updateKeys(keys(newKey, oldKey));
        alpha.send(message("alpha", 1, 2));
        await().atMost(WAIT).until(() -> atBeta.size() == 2);
        beta.updateKeys(keys(oldKey));
        alpha.send(message("alpha", 1, 3));

        await().atMost(WAIT).until(() -> beta.counters().dropped(DropReason.UNKNOWN_KEY) == 1);
        assertEquals(2, atBeta.size());
    }

    @Test
    void shouldCountSendsAfterCloseAsErrors() throws IOException {
        HeartbeatTransport alpha = pair(Io.NIO)[0];
        alpha.close();

        alpha.send(message("alpha", 1, 1));

        await().atMost(WAIT).until(() -> alpha.counters().sendErrors() == 1);
        assertEquals(0, alpha.counters().sent());
    }

    @Test
    void shouldNameTheAddressWhenThePortIsTaken() throws IOException {
        DatagramSocket taken = rawSocket();
        HeartbeatTransport.Builder b = HeartbeatTransport.builder().eventLoopGroup(nio).bindAddress(LOOPBACK)
                .port(taken.getLocalPort()).media(List.of(new UcastMedium("lo", loopback(3), 7))).cluster(CLUSTER)
                .authKeys(keys()).self("alpha").peer("beta").listener((m, from, nanos) -> { });

        IOException e = assertThrows(IOException.class, b::bind);

        assertTrue(e.getMessage().startsWith("heartbeat medium ucast lo 127.0.0.3 (ha.cf line 7): cannot bind"
                + " heartbeat socket to udp "), e.getMessage());
        assertTrue(e.getMessage().contains(":" + taken.getLocalPort()), e.getMessage());
    }

    @Test
    void shouldRefuseAnotherClustersMessageAtOnce() throws IOException {
        HeartbeatTransport alpha = pair(Io.NIO)[0];
        HeartbeatMessage foreign = new HeartbeatMessage("other", "alpha", 1, 1, 0, 0, NodeState.RUNNING, 1,
                Fixtures.DIGEST, List.of());
        assertThrows(IllegalArgumentException.class, () -> alpha.send(foreign));
    }

    @Test
    void shouldTakeClusterPortPeerAndMediaFromHaCf() throws IOException {
        List<Medium> media = List.of(new UcastMedium("eth0", loopback(2), 3), new UcastMedium("eth1", loopback(3), 4));
        HaConfig ha = new HaConfig(CLUSTER, List.of("alpha", "beta"), media,
                6940, Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                false, 5, Duration.ofMillis(200));

        HeartbeatTransport alpha = HeartbeatTransport.builder().config(ha, "alpha").eventLoopGroup(nio)
                .bindAddress(LOOPBACK).port(0).bindToDevices(false).authKeys(keys())
                .listener((m, from, nanos) -> { }).bind();
        open.add(alpha);

        assertEquals(media, alpha.media());
        assertEquals(List.of("ucast eth0 127.0.0.2", "ucast eth1 127.0.0.3"),
                alpha.linkStatus().stream().map(LinkStatus::name).toList());
        DatagramSocket s = rawSocket();
        sendRaw(s, encode(new HeartbeatCodec(CLUSTER, keys()), message("beta", 1, 1)), alpha);
        sendRaw(s, encode(new HeartbeatCodec(CLUSTER, keys()), message("gamma", 1, 1)), alpha);
        await().atMost(WAIT).until(() -> alpha.counters().received() == 2);
        assertEquals(1, alpha.counters().accepted(), "beta is the peer named in ha.cf");
        assertEquals(1, alpha.counters().unattributed(), "127.0.0.1 is not named by a ucast line");
        assertEquals(1, alpha.counters().dropped(DropReason.UNKNOWN_NODE));
    }

    @Test
    void shouldRefuseUnusableKeysOnTheCallersThread() throws IOException {
        HeartbeatTransport alpha = pair(Io.NIO)[0];
        AuthKeys unusable = keys(new AuthKey(300, io.tandem.config.AuthAlgorithm.SHA256, new byte[] {1}));

        assertThrows(IllegalArgumentException.class, () -> alpha.updateKeys(unusable));
    }

    @Test
    void shouldPickTheChannelTypeOfTheGroup() {
        assertSame(NioDatagramChannel.class, HeartbeatTransport.datagramChannelType(nio));
        if (epoll != null) {
            assertSame(EpollDatagramChannel.class, HeartbeatTransport.datagramChannelType(epoll));
        }
        IoEventLoopGroup chosen = HeartbeatTransport.newEventLoopGroup(1, Thread::new);
        try {
            assertSame(Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class,
                    HeartbeatTransport.datagramChannelType(chosen));
        } finally {
            chosen.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldBindEachUcastSocketToItsDeviceAndNameAMissingOne() throws IOException {
        IoEventLoopGroup g = group(Io.EPOLL);
        HeartbeatTransport alias = HeartbeatTransport.builder().eventLoopGroup(g).bindAddress(loopback(2)).port(0)
                .media(List.of(new UcastMedium("lo:1", loopback(3), 4))).cluster(CLUSTER).authKeys(keys())
                .self("alpha").peer("beta").listener((m, from, nanos) -> { }).bind();
        open.add(alias);

        HeartbeatTransport.Builder missing = HeartbeatTransport.builder().eventLoopGroup(g).bindAddress(loopback(2))
                .port(0).media(List.of(new UcastMedium("nosuch0", loopback(3), 9))).cluster(CLUSTER).authKeys(keys())
                .self("alpha").peer("beta").listener((m, from, nanos) -> { });
        IOException e = assertThrows(IOException.class, missing::bind);

        assertEquals("heartbeat medium ucast nosuch0 127.0.0.3 (ha.cf line 9): cannot bind the socket to device"
                + " nosuch0 (SO_BINDTODEVICE): No such device", e.getMessage());
    }
}
