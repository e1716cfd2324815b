package io.tandem.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.tandem.config.BcastMedium;
import io.tandem.config.Medium;
import io.tandem.config.UcastMedium;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-link liveness with a fake clock: down after deadtime of silence on the link, loss, round-trip time. */
class PeerLinksTest {
    private static final long MS = 1_000_000L;
    private static final long DEADTIME = 1_000 * MS;
    private static final long INITDEAD = 2_000 * MS;
    private static final long KEEPALIVE = 200 * MS;
    private static final long T0 = 7_000 * MS;

    private final LogCapture log = new LogCapture(PeerLinks.class);
    private final PeerLinks links = new PeerLinks("d1", "d2", DEADTIME, INITDEAD, null);
    private final List<HeartbeatLink> two = links.setMedia(List.of(ucast("eth0", "192.0.2.2"),
            ucast("eth1", "198.51.100.2")));
    private final HeartbeatLink eth0 = two.get(0);
    private final HeartbeatLink eth1 = two.get(1);

    @AfterEach
    void releaseLog() {
        log.close();
    }

    static UcastMedium ucast(String device, String peer) {
        try {
            return new UcastMedium(device, InetAddress.getByName(peer), 0);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The peer's heartbeat {@code seq}, sent at {@code t}, heard on each of {@code on}. */
    private void heard(long seq, long t, HeartbeatLink... on) {
        for (HeartbeatLink l : on) {
            assertTrue(links.onHeard(l, 1, seq, t, t, 0, 0), "seq " + seq + " on " + l);
        }
    }

    @Test
    void shouldKeepPeerAliveWhileOneOfTwoLinksHearsIt() {
        links.start(T0);
        long seq = 0;
        long t = T0;
        for (; t < T0 + 1_000 * MS; t += KEEPALIVE) {
            heard(++seq, t, eth0, eth1);
        }
        long eth1LastHeard = t - KEEPALIVE;
        for (; t <= eth1LastHeard + DEADTIME + KEEPALIVE; t += KEEPALIVE) {
            heard(++seq, t, eth0);
            links.check(t);
        }

        List<LinkStatus> status = links.snapshot(t);
        assertTrue(status.get(0).up());
        assertFalse(status.get(1).up());
        assertEquals(List.of("d1: heartbeat link eth1 (ucast 198.51.100.2) to d2 is down: nothing for 1200ms;"
                + " peer still heard on eth0"), log.at(Level.WARN));
        assertEquals(1, status.get(1).downs());
        assertTrue(links.isUp(eth0, t));
        assertFalse(links.isUp(eth1, t));
    }

    @Test
    void shouldLogLinkDownOnceAndBackAtInfo() {
        links.start(T0);
        heard(1, T0, eth0, eth1);
        for (long t = T0 + 10 * MS; t < T0 + 3 * DEADTIME; t += 10 * MS) {
            if ((t - T0) % KEEPALIVE == 0) {
                heard((t - T0) / KEEPALIVE + 1, t, eth0);
            }
            links.check(t);
        }
        assertEquals(1, log.at(Level.WARN).size(), log.lines().toString());
        log.clear();

        heard(100, T0 + 3 * DEADTIME, eth1);

        assertEquals(List.of("d1: heartbeat link eth1 (ucast 198.51.100.2) to d2 is up again after 3000ms down"),
                log.at(Level.INFO));
        assertTrue(links.snapshot(T0 + 3 * DEADTIME).get(1).up());
    }

    @Test
    void shouldLogTheLastLinkGoingDownAtInfoBecauseThatIsThePeerNotTheLink() {
        PeerLinks single = new PeerLinks("d1", "d2", DEADTIME, INITDEAD, null);
        HeartbeatLink only = single.setMedia(List.of(ucast("eth0", "192.0.2.2"))).get(0);
        single.onHeard(only, 1, 1, T0, T0, 0, 0);

        single.check(T0 + DEADTIME + 1);

        assertEquals(List.of(), log.at(Level.WARN));
        assertEquals("d1: heartbeat link eth0 (ucast 192.0.2.2) to d2 is down: nothing for 1000ms; no link hears d2",
                log.at(Level.INFO).get(1));
    }

    @Test
    void shouldNotBlameALinkWhenThePeerFellSilentOnAllLinksAtOnce() {
        heard(1, T0, eth0);
        heard(1, T0 + 2 * MS, eth1); // the same last heartbeat, a little later on eth1

        links.check(T0 + DEADTIME + 1);

        assertEquals(List.of(), log.at(Level.WARN), "eth1 heard nothing newer than eth0: the peer went quiet");
        assertTrue(log.at(Level.INFO).contains(
                "d1: heartbeat link eth0 (ucast 192.0.2.2) to d2 is down: nothing for 1000ms; no link hears d2"));
    }

    @Test
    void shouldNotMarkLinksDownWhileThisProcessWasStalled() {
        StallDetector stalls = new StallDetector("d1", 10 * MS, KEEPALIVE);
        PeerLinks guarded = new PeerLinks("d1", "d2", DEADTIME, INITDEAD, stalls);
        HeartbeatLink l = guarded.setMedia(List.of(ucast("eth0", "192.0.2.2"), ucast("eth1", "198.51.100.2")))
                .get(1);
        guarded.onHeard(l, 1, 1, T0, T0, 0, 0);
        stalls.onTick(T0);

        long resume = T0 + 2 * DEADTIME;
        stalls.onTick(resume);
        guarded.check(resume);

        assertEquals(List.of(), log.at(Level.WARN));
        guarded.onHeard(l, 1, 2, resume + MS, resume, 0, 0);
        guarded.check(resume + stalls.graceNanos());
        assertEquals(0, guarded.snapshot(resume + stalls.graceNanos()).get(1).downs(), "drained in time: never down");
    }

    @Test
    void shouldReportALinkThatHeardNothingWithinInitdeadWhileAnotherHearsThePeer() {
        links.start(T0);
        for (long t = T0, seq = 1; t <= T0 + INITDEAD + KEEPALIVE; t += KEEPALIVE, seq++) {
            heard(seq, t, eth0);
            links.check(t);
            links.check(t);
        }

        assertEquals(List.of("d1: heartbeat link eth1 (ucast 198.51.100.2) to d2 has heard nothing since start"
                + " (2200ms, initdead 2000ms); peer heard on eth0"), log.at(Level.WARN));
        LinkStatus eth1Status = links.snapshot(T0 + INITDEAD + KEEPALIVE).get(1);
        assertEquals(-1, eth1Status.lastHeardMillisAgo());
        assertEquals(100.0, eth1Status.lossPercent());
    }

    @Test
    void shouldMeasureRoundTripFromTheLinkEcho() {
        // We sent on eth0 at T0 (our link send time); the peer heard it and held it 2 ms before echoing it.
        assertTrue(links.onHeard(eth0, 1, 1, T0 + 5 * MS, 999, T0, 2 * MS));
        assertEquals(3_000, links.snapshot(T0 + 5 * MS).get(0).rttMicros());

        links.onHeard(eth0, 1, 2, T0 + 211 * MS, 999, T0 + 200 * MS, 3 * MS);
        assertEquals(3_000 + (8_000 - 3_000) / 8, links.snapshot(T0 + 211 * MS).get(0).rttMicros(), "smoothed, 1/8 gain");
        assertEquals(-1, links.snapshot(T0).get(1).rttMicros(), "no echo on eth1 yet");
    }

    @Test
    void shouldEchoThePeersLinkSendTimeWithHowLongItWasHeld() {
        assertEquals(0, links.echoNanos(eth1));
        assertEquals(0, links.echoHoldNanos(eth1, T0));

        links.onHeard(eth1, 1, 1, T0, 123_456, 0, 0);

        assertEquals(123_456, links.echoNanos(eth1));
        assertEquals(40 * MS, links.echoHoldNanos(eth1, T0 + 40 * MS));
        assertEquals(0, links.echoNanos(eth0), "echoes are per link");
    }

    @Test
    void shouldRefuseTheSameHeartbeatTwiceOnOneLink() {
        assertTrue(links.onHeard(eth0, 1, 5, T0, T0, 0, 0));
        assertFalse(links.onHeard(eth0, 1, 5, T0 + MS, T0, 0, 0));
        assertTrue(links.onHeard(eth1, 1, 5, T0 + MS, T0, 0, 0), "the copy on the other link is new there");
    }

    @Test
    void shouldMeasureLossPerLinkAgainstTheNewestHeartbeatOfAnyLink() {
        for (long seq = 1; seq <= 64; seq++) {
            heard(seq, T0 + seq * KEEPALIVE, eth0);
            if (seq % 4 != 0) {
                heard(seq, T0 + seq * KEEPALIVE, eth1);
            }
        }

        List<LinkStatus> status = links.snapshot(T0 + 64 * KEEPALIVE);
        assertEquals(0.0, status.get(0).lossPercent());
        assertEquals(25.0, status.get(1).lossPercent(), 0.01);
    }

    @Test
    void shouldCountDatagramsPerLink() {
        links.onReceived(eth0);
        links.onReceived(eth0);
        links.onDropped(eth0);
        links.onSent(eth1);
        links.onSendError(eth1);

        LinkStatus s0 = links.snapshot(T0).get(0);
        LinkStatus s1 = links.snapshot(T0).get(1);
        assertEquals(List.of(2L, 1L, 0L, 0L), List.of(s0.received(), s0.dropped(), s0.sent(), s0.sendErrors()));
        assertEquals(List.of(0L, 0L, 1L, 1L), List.of(s1.received(), s1.dropped(), s1.sent(), s1.sendErrors()));
        assertEquals("ucast eth0 192.0.2.2", s0.name());
        assertEquals(-1.0, s0.lossPercent(), "the peer was never heard");
    }

    @Test
    void shouldKeepEachLinksStateWhenTheMediaAreReloaded() {
        links.onHeard(eth1, 1, 1, T0, T0, 0, 0);

        List<HeartbeatLink> reloaded = links.setMedia(List.<Medium>of(new BcastMedium("eth2", 4),
                ucast("eth1", "198.51.100.2")));

        assertEquals(List.of("bcast eth2", "ucast eth1 198.51.100.2"), links.snapshot(T0).stream().map(LinkStatus::name)
                .toList());
        assertTrue(links.snapshot(T0).get(1).up(), "eth1 kept its state");
        assertFalse(links.onHeard(reloaded.get(1), 1, 1, T0, T0, 0, 0), "and its window");
        assertSame(reloaded.get(0), links.link("bcast eth2"));
        assertNull(links.link("ucast eth0 192.0.2.2"));
        links.onReceived(eth0);
        assertEquals(0, links.snapshot(T0).get(0).received(), "a link of the old set is ignored");
    }

    @Test
    void shouldRefuseMediaTheReceiverCouldNotTellApart() {
        assertThrows(IllegalArgumentException.class,
                () -> links.setMedia(List.of(ucast("eth0", "192.0.2.2"), ucast("eth1", "192.0.2.2"))));
        assertThrows(IllegalArgumentException.class,
                () -> links.setMedia(List.of(new BcastMedium("eth0", 1), new BcastMedium("eth0", 2))));
    }
}
