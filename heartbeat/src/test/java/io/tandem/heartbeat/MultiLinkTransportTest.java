package io.tandem.heartbeat;

import static io.tandem.heartbeat.Fixtures.CLUSTER;
import static io.tandem.heartbeat.Fixtures.keys;
import static io.tandem.heartbeat.Fixtures.message;
import static io.tandem.heartbeat.HeartbeatTransportTest.loopback;
import static io.tandem.heartbeat.HeartbeatTransportTest.ucastLo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.netty.channel.IoEventLoopGroup;
import io.tandem.config.UcastMedium;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two transports over two ucast links on loopback: alpha sends from 127.0.0.2 and 127.0.0.4, beta
 * from 127.0.0.3 and 127.0.0.5 (all of 127/8 is local), one port; each side tells the links apart
 * by the source address, as on two real NICs.
 * <pre>
 *   alpha 127.0.0.2 ──link "ucast lo 127.0.0.3" / "ucast lo 127.0.0.2"── 127.0.0.3 beta
 *   alpha 127.0.0.4 ──link "ucast lo 127.0.0.5" / "ucast lo 127.0.0.4"── 127.0.0.5 beta
 * </pre>
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MultiLinkTransportTest {
    private static final long MS = 1_000_000L;
    private static final long KEEPALIVE = 20 * MS;
    private static final long DEADTIME = 200 * MS;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final UcastMedium BETA_A = ucastLo(3);
    private static final UcastMedium BETA_B = ucastLo(5);

    private final IoEventLoopGroup alphaLoop = HeartbeatTransport.newEventLoopGroup(1, Thread::new);
    private final IoEventLoopGroup betaLoop = HeartbeatTransport.newEventLoopGroup(1, Thread::new);
    private final ScheduledExecutorService alphaTimer = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicLong alphaSequence = new AtomicLong();
    private PeerJudge atBeta = new PeerJudge(100 * MS, DEADTIME, 2 * DEADTIME, null);
    private final PeerJudge atAlpha = new PeerJudge(100 * MS, DEADTIME, 2 * DEADTIME, null);
    private final LogCapture log = new LogCapture(PeerLinks.class);
    private HeartbeatTransport alpha;
    private HeartbeatTransport beta;

    @AfterEach
    void closeAll() throws Exception {
        alphaTimer.shutdownNow();
        atBeta.close();
        atAlpha.close();
        for (AutoCloseable c : open) {
            c.close();
        }
        log.close();
        alphaLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        betaLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void bindBoth() throws IOException {
        bindBoth(null);
    }

    private void bindBoth(StallDetector betaStalls) throws IOException {
        alpha = HeartbeatTransport.builder().eventLoopGroup(alphaLoop).cluster(CLUSTER).authKeys(keys())
                .self("alpha").peer("beta").port(0).linkTiming(DEADTIME, 2 * DEADTIME)
                .ucastSource(loopback(3), loopback(2)).ucastSource(loopback(5), loopback(4))
                .media(List.of(BETA_A, BETA_B)).listener(atAlpha).bind();
        open.add(alpha);
        beta = HeartbeatTransport.builder().eventLoopGroup(betaLoop).cluster(CLUSTER).authKeys(keys())
                .self("beta").peer("alpha").port(alpha.localAddress().getPort()).linkTiming(DEADTIME, 2 * DEADTIME)
                .ucastSource(loopback(2), loopback(3)).ucastSource(loopback(4), loopback(5))
                .media(List.of(ucastLo(2), ucastLo(4))).stallDetector(betaStalls).listener(atBeta).bind();
        open.add(beta);
        atBeta.start(beta);
        atAlpha.start(alpha);
    }

    private void alphaKeepsSending() {
        alphaTimer.scheduleAtFixedRate(() -> alpha.send(message("alpha", 1, alphaSequence.incrementAndGet())),
                0, KEEPALIVE, TimeUnit.NANOSECONDS);
    }

    @Test
    void shouldKeepPeerAliveWhileOneOfTwoLinksHearsIt() throws IOException {
        bindBoth();
        alphaKeepsSending();
        await().atMost(WAIT).until(() -> atBeta.link("ucast lo 127.0.0.2").up() && atBeta.link("ucast lo 127.0.0.4").up());

        atBeta.verdicts.clear();
        alpha.updateMedia(List.of(BETA_A)); // alpha stops sending on the second link

        await().atMost(WAIT).until(() -> !atBeta.link("ucast lo 127.0.0.4").up()
                && !log.at(Level.WARN).isEmpty());
        int deliveredAtLoss = atBeta.delivered.get();
        await().atMost(WAIT).until(() -> atBeta.delivered.get() > deliveredAtLoss + 10);
        assertTrue(atBeta.link("ucast lo 127.0.0.2").up());
        assertEquals(List.of(), atBeta.verdicts, "never late, never dead: one link still hears alpha");
        List<String> warnings = log.at(Level.WARN);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).matches("beta: heartbeat link lo \\(ucast 127\\.0\\.0\\.4\\) to alpha is down:"
                + " nothing for [0-9]+ms; peer still heard on lo \\(ucast 127\\.0\\.0\\.2\\)"), warnings.get(0));
        assertEquals(1, atBeta.link("ucast lo 127.0.0.4").downs());

        alpha.updateMedia(List.of(BETA_A, BETA_B)); // and the link comes back

        await().atMost(WAIT).until(() -> atBeta.link("ucast lo 127.0.0.4").up());
        assertTrue(log.at(Level.INFO).stream().anyMatch(l -> l.startsWith(
                "beta: heartbeat link lo (ucast 127.0.0.4) to alpha is up again after ")), log.lines().toString());
        assertEquals(List.of(), atBeta.verdicts);
    }

    @Test
    void shouldDeliverEachHeartbeatOnceAndCountItOnBothLinks() throws IOException {
        bindBoth();

        for (long seq = 1; seq <= 10; seq++) {
            alpha.send(message("alpha", 1, seq));
        }

        await().atMost(WAIT).until(() -> beta.counters().received() == 20);
        assertEquals(10, atBeta.delivered.get(), "each heartbeat once");
        assertEquals(10, beta.counters().accepted());
        assertEquals(10, beta.counters().copies(), "the other copy of each counted, not delivered");
        for (String link : List.of("ucast lo 127.0.0.2", "ucast lo 127.0.0.4")) {
            LinkStatus s = atBeta.link(link);
            assertEquals(10, s.received(), link);
            assertEquals(0, s.dropped(), link);
            assertEquals(0.0, s.lossPercent(), link);
            assertTrue(s.up(), link);
        }
        assertEquals(List.of(10L, 10L), alpha.linkStatus().stream().map(LinkStatus::sent).toList());
    }

    @Test
    void shouldMeasureTheRoundTripOfEachLink() throws IOException {
        bindBoth();

        alpha.send(message("alpha", 1, 1));
        await().atMost(WAIT).until(() -> beta.counters().received() == 2);
        beta.send(message("beta", 1, 1));
        await().atMost(WAIT).until(() -> alpha.counters().received() == 2);
        alpha.send(message("alpha", 1, 2));
        await().atMost(WAIT).until(() -> beta.counters().received() == 4);

        for (LinkStatus s : alpha.linkStatus()) {
            assertTrue(s.rttMicros() >= 0 && s.rttMicros() < 1_000_000, "alpha " + s);
        }
        for (LinkStatus s : beta.linkStatus()) {
            assertTrue(s.rttMicros() >= 0 && s.rttMicros() < 1_000_000, "beta " + s);
        }
    }

    @Test
    void shouldOpenAndCloseSocketsWhenTheMediaChangeOnALiveTransport() throws IOException {
        bindBoth();
        int port = alpha.localAddress().getPort();

        alpha.updateMedia(List.of(BETA_B));

        assertEquals(List.of(BETA_B), alpha.media());
        assertEquals(List.of("ucast lo 127.0.0.5"), alpha.linkStatus().stream().map(LinkStatus::name).toList());
        try (java.net.DatagramSocket reuse = new java.net.DatagramSocket(
                new java.net.InetSocketAddress(loopback(2), port))) {
            assertTrue(reuse.isBound(), "the socket of the removed medium is closed");
        }
        alpha.send(message("alpha", 1, 1));
        await().atMost(WAIT).until(() -> atBeta.deliveredOn.contains("ucast lo 127.0.0.4"));
    }

    @Test
    void shouldNotDeclarePeerDeadWhenItsOwnEventLoopWasBlocked() throws Exception {
        StallDetector stalls = new StallDetector("beta", PeerJudge.TICK_NANOS, KEEPALIVE);
        atBeta = new PeerJudge(100 * MS, DEADTIME, 2 * DEADTIME, stalls);
        bindBoth(stalls);
        alphaKeepsSending();
        await().atMost(WAIT).until(() -> atBeta.delivered.get() > 5);
        atBeta.verdicts.clear();

        // beta's loop sleeps for a second (a GC pause, SIGSTOP, a starved VM) while alpha keeps sending
        beta.eventLoop().submit(() -> {
            Thread.sleep(1_000);
            return null;
        }).await();
        int deliveredBefore = atBeta.delivered.get();
        await().atMost(WAIT).until(() -> atBeta.delivered.get() > deliveredBefore + 10);

        assertTrue(stalls.stalls() >= 1, "the stall was seen");
        assertTrue(stalls.longestStallNanos() >= 900 * MS, "it lasted about a second: " + stalls.longestStallNanos());
        assertTrue(atBeta.verdicts.stream().noneMatch(v -> v == PeerLiveness.Verdict.DEAD),
                "alpha never stopped sending: " + atBeta.verdicts);
        assertEquals(List.of(), log.at(Level.WARN), "no link went down either");
    }
}
