package io.tandem.heartbeat;

import static io.tandem.heartbeat.Fixtures.CLUSTER;
import static io.tandem.heartbeat.Fixtures.keys;
import static io.tandem.heartbeat.Fixtures.message;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.tandem.config.BcastMedium;
import io.tandem.config.McastMedium;
import io.tandem.config.Medium;
import io.tandem.config.UcastMedium;
import io.tandem.linux.NetnsLab;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * All three media at once between two network namespaces joined by two veth pairs, on epoll with
 * every socket bound to its device:
 * <pre>
 *   [alpha] a0 198.51.100.1/25   ── veth ──  b0 198.51.100.2/25   [beta]    ucast + bcast
 *           a1 198.51.100.129/25 ── veth ──  b1 198.51.100.130/25           mcast 239.255.77.1:6940
 * </pre>
 * Needs root (namespaces); skipped otherwise. The namespaces are deleted after each test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MediaNamespaceTest {
    private static final long MS = 1_000_000L;
    private static final long DEADTIME = 300 * MS;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int PORT = 694;

    private NetnsLab lab;
    private String nsAlpha;
    private String nsBeta;
    private IoEventLoopGroup loops;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong sequence = new AtomicLong();
    private final PeerJudge atBeta = new PeerJudge(250 * MS, DEADTIME, 2 * DEADTIME, null);
    private final PeerJudge atAlpha = new PeerJudge(250 * MS, DEADTIME, 2 * DEADTIME, null);
    private final LogCapture log = new LogCapture(PeerLinks.class);
    private HeartbeatTransport alpha;
    private HeartbeatTransport beta;

    @BeforeEach
    void buildTheLab() {
        assumeTrue(NetnsLab.isAvailable(), "needs root and iproute2 for network namespaces");
        assumeTrue(Epoll.isAvailable(), "device binding needs the native epoll transport");
        lab = new NetnsLab();
        nsAlpha = lab.createNamespace();
        nsBeta = lab.createNamespace();
        lab.addVethPair(nsAlpha, "a0", nsBeta, "b0");
        lab.addVethPair(nsAlpha, "a1", nsBeta, "b1");
        NetnsLab.ipIn(nsAlpha, "addr", "add", "198.51.100.1/25", "brd", "+", "dev", "a0");
        NetnsLab.ipIn(nsBeta, "addr", "add", "198.51.100.2/25", "brd", "+", "dev", "b0");
        NetnsLab.ipIn(nsAlpha, "addr", "add", "198.51.100.129/25", "brd", "+", "dev", "a1");
        NetnsLab.ipIn(nsBeta, "addr", "add", "198.51.100.130/25", "brd", "+", "dev", "b1");
        loops = HeartbeatTransport.newEventLoopGroup(1, Thread::new);
    }

    @AfterEach
    void tearDown() throws Exception {
        timer.shutdownNow();
        atBeta.close();
        atAlpha.close();
        try {
            for (AutoCloseable c : open) {
                c.close();
            }
            if (loops != null) {
                loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        } finally {
            log.close();
            if (lab != null) {
                lab.close();
            }
        }
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private static List<Medium> media(String ucastDev, String peer, String mcastDev) throws Exception {
        return List.of(new UcastMedium(ucastDev, ip(peer), 1), new BcastMedium(ucastDev, 2),
                new McastMedium(mcastDev, ip("239.255.77.1"), 6940, 1, false, 3));
    }

    private HeartbeatTransport bindIn(String ns, String self, String peer, List<Medium> media, PeerJudge judge)
            throws Exception {
        HeartbeatTransport t = lab.callIn(ns, () -> HeartbeatTransport.builder().eventLoopGroup(loops)
                .cluster(CLUSTER).authKeys(keys()).self(self).peer(peer).port(PORT).media(media)
                .linkTiming(DEADTIME, 2 * DEADTIME).listener(judge).bind());
        open.add(t);
        judge.start(t);
        return t;
    }

    private void bindBoth() throws Exception {
        alpha = bindIn(nsAlpha, "alpha", "beta", media("a0", "198.51.100.2", "a1"), atAlpha);
        beta = bindIn(nsBeta, "beta", "alpha", media("b0", "198.51.100.1", "b1"), atBeta);
    }

    @Test
    void shouldHearThePeerOverUcastBcastAndMcastAtOnceAndDeliverEachHeartbeatOnce() throws Exception {
        bindBoth();

        for (long seq = 1; seq <= 5; seq++) {
            alpha.send(message("alpha", 1, seq));
            // One heartbeat at a time: all three copies of this one are in before the next is sent.
            long copiesSoFar = 3 * seq;
            await().atMost(WAIT).until(() -> beta.counters().accepted() + beta.counters().copies() == copiesSoFar);
        }

        await().atMost(WAIT).until(() -> beta.counters().accepted() + beta.counters().copies() == 15);
        assertEquals(5, atBeta.delivered.get());
        assertEquals(10, beta.counters().copies());
        for (String link : List.of("ucast b0 198.51.100.1", "bcast b0", "mcast b1 239.255.77.1:6940")) {
            LinkStatus s = atBeta.link(link);
            assertEquals(5, s.received(), link);
            assertEquals(0.0, s.lossPercent(), link);
            assertTrue(s.up(), link);
        }
        assertEquals(0, beta.counters().droppedTotal(), beta.counters().snapshot().toString());
        assertTrue(beta.counters().ignoredBroadcast() >= 5,
                "the bcast copies that also reach the ucast socket of b0 are set aside: " + beta.counters().snapshot());
        assertEquals(0, beta.counters().unattributed());
        await().atMost(WAIT).until(() -> alpha.counters().ownEchoes() >= 5);
        assertEquals(0, alpha.counters().dropped(DropReason.FROM_SELF), "own broadcasts never reach the codec");
        assertEquals(15, alpha.counters().sent());
    }

    @Test
    void shouldKeepThePeerAliveWhenTheMcastLinkIsCutAndWarnOnce() throws Exception {
        bindBoth();
        timer.scheduleAtFixedRate(() -> alpha.send(message("alpha", 1, sequence.incrementAndGet())), 0, 30,
                TimeUnit.MILLISECONDS);
        await().atMost(WAIT).until(() -> atBeta.link("mcast b1 239.255.77.1:6940").up()
                && atBeta.link("bcast b0").up() && atBeta.link("ucast b0 198.51.100.1").up());

        atBeta.verdicts.clear();
        NetnsLab.ipIn(nsAlpha, "link", "set", "a1", "down");

        await().atMost(WAIT).until(() -> !atBeta.link("mcast b1 239.255.77.1:6940").up()
                && log.at(Level.WARN).size() == 1);
        assertTrue(log.at(Level.WARN).get(0).matches("beta: heartbeat link b1 \\(mcast 239\\.255\\.77\\.1:6940\\)"
                + " to alpha is down: nothing for [0-9]+ms; peer still heard on b0"), log.at(Level.WARN).get(0));
        int delivered = atBeta.delivered.get();
        await().atMost(WAIT).until(() -> atBeta.delivered.get() > delivered + 5);
        assertEquals(List.of(), atBeta.verdicts, "losing one link of three is not a failover");

        NetnsLab.ipIn(nsAlpha, "link", "set", "a1", "up");

        await().atMost(WAIT).until(() -> atBeta.link("mcast b1 239.255.77.1:6940").up());
        assertEquals(1, log.at(Level.WARN).size(), "logged once");
        assertTrue(log.at(Level.INFO).stream().anyMatch(l -> l.startsWith(
                "beta: heartbeat link b1 (mcast 239.255.77.1:6940) to alpha is up again after ")));
        assertTrue(alpha.linkStatus().get(2).sendErrors() > 0, "alpha could not send on the downed a1");
    }

    @Test
    void shouldNameTheMediumWhenItsDeviceIsMissing() throws Exception {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> bindIn(nsAlpha, "alpha", "beta", List.of(new BcastMedium("eth7", 4)), atAlpha));

        assertEquals("heartbeat medium bcast eth7 (ha.cf line 4): no device eth7 in this network namespace",
                e.getMessage());
    }
}
