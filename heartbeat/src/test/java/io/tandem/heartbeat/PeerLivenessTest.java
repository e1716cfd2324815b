package io.tandem.heartbeat;

import static io.tandem.heartbeat.PeerLiveness.Verdict.ALIVE;
import static io.tandem.heartbeat.PeerLiveness.Verdict.DEAD;
import static io.tandem.heartbeat.PeerLiveness.Verdict.LATE;
import static io.tandem.heartbeat.PeerLiveness.Verdict.NEVER_HEARD;
import static io.tandem.heartbeat.PeerLiveness.Verdict.POSTPONED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeerLivenessTest {
    private static final long MS = 1_000_000L;
    private static final long WARN = 500 * MS;
    private static final long DEAD_AFTER = 1_000 * MS;
    private static final long INITDEAD = 2_000 * MS;
    private static final long T0 = 123_456_789L;

    private final PeerLiveness liveness = new PeerLiveness(WARN, DEAD_AFTER, INITDEAD);

    @Test
    void shouldWaitForInitdeadBeforeDeclaringANeverHeardPeerDead() {
        liveness.start(T0);

        assertEquals(NEVER_HEARD, liveness.check(T0));
        assertEquals(NEVER_HEARD, liveness.check(T0 + DEAD_AFTER + 1), "deadtime does not apply before the first heartbeat");
        assertEquals(NEVER_HEARD, liveness.check(T0 + INITDEAD), "exactly at initdead");
        assertEquals(DEAD, liveness.check(T0 + INITDEAD + 1));
        assertFalse(liveness.everHeard());
    }

    @Test
    void shouldBeAliveWhenHeardBeforeInitdead() {
        liveness.start(T0);
        liveness.onHeartbeat(T0 + 5 * MS);

        assertEquals(ALIVE, liveness.check(T0 + 6 * MS));
        assertTrue(liveness.everHeard());
        assertEquals(T0 + 5 * MS, liveness.lastHeardNanos());
    }

    @Test
    void shouldTakeOverWhenDeadtimeElapsesAndNotBefore() {
        liveness.start(T0);
        liveness.onHeartbeat(T0);

        assertEquals(LATE, liveness.check(T0 + WARN + 1));
        assertEquals(ALIVE, liveness.check(T0 + DEAD_AFTER), "exactly at deadtime");
        assertEquals(DEAD, liveness.check(T0 + DEAD_AFTER + 1));
        assertEquals(DEAD, liveness.check(T0 + 10 * DEAD_AFTER));
    }

    @Test
    void shouldWarnOncePerSilence() {
        liveness.start(T0);
        liveness.onHeartbeat(T0);

        assertEquals(ALIVE, liveness.check(T0 + WARN), "exactly at warntime");
        assertEquals(LATE, liveness.check(T0 + WARN + 1));
        assertEquals(ALIVE, liveness.check(T0 + WARN + 2), "reported already");
        assertEquals(ALIVE, liveness.check(T0 + DEAD_AFTER - 1));

        liveness.onHeartbeat(T0 + DEAD_AFTER - 1);
        long t1 = T0 + DEAD_AFTER - 1;
        assertEquals(ALIVE, liveness.check(t1 + WARN));
        assertEquals(LATE, liveness.check(t1 + WARN + 1), "a new silence warns again");
    }

    @Test
    void shouldComeBackAliveAfterDeath() {
        liveness.start(T0);
        liveness.onHeartbeat(T0);
        assertEquals(DEAD, liveness.check(T0 + DEAD_AFTER + 1));

        liveness.onHeartbeat(T0 + 5 * DEAD_AFTER);

        assertEquals(ALIVE, liveness.check(T0 + 5 * DEAD_AFTER));
    }

    @Test
    void shouldDeclareLeavingPeerDeadAtOnce() {
        liveness.start(T0);
        liveness.onHeartbeat(T0);
        liveness.onLeaving(T0 + MS);

        assertEquals(DEAD, liveness.check(T0 + MS), "without waiting for deadtime");
        assertEquals(DEAD, liveness.check(T0 + 2 * MS));

        liveness.onHeartbeat(T0 + 3 * MS);
        assertEquals(ALIVE, liveness.check(T0 + 3 * MS), "back with its next running heartbeat");
    }

    @Test
    void shouldDeclareLeavingPeerDeadEvenBeforeInitdead() {
        liveness.start(T0);
        liveness.onLeaving(T0 + MS);

        assertEquals(DEAD, liveness.check(T0 + MS));
    }

    @Test
    void shouldSurviveNanoTimeWrapAround() {
        long nearMax = Long.MAX_VALUE - 100;
        liveness.start(nearMax);
        liveness.onHeartbeat(nearMax);

        assertEquals(LATE, liveness.check(nearMax + WARN + 1), "wrapped past Long.MAX_VALUE");
        assertEquals(ALIVE, liveness.check(nearMax + DEAD_AFTER));
        assertEquals(DEAD, liveness.check(nearMax + DEAD_AFTER + 1));

        PeerLiveness fresh = new PeerLiveness(WARN, DEAD_AFTER, INITDEAD);
        fresh.start(nearMax);
        assertEquals(NEVER_HEARD, fresh.check(nearMax + INITDEAD));
        assertEquals(DEAD, fresh.check(nearMax + INITDEAD + 1));
    }

    @Test
    void shouldRequireStartAndPositiveTimes() {
        assertThrows(IllegalStateException.class, () -> liveness.check(T0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PeerLiveness(WARN, 0, INITDEAD));
        assertEquals("deadtimeNanos=0 must be > 0", e.getMessage());
    }

    // --- this process stalled (GC, SIGSTOP, starved CPU) ---

    private static final long KEEPALIVE = 200 * MS;
    private static final long TICK = 10 * MS;

    /** A liveness with a stall detector, the peer heard every keepalive and checked every tick until {@code untilNanos}. */
    private static PeerLiveness runningUntil(long untilNanos) {
        PeerLiveness l = new PeerLiveness(WARN, DEAD_AFTER, INITDEAD, new StallDetector("d1", TICK, KEEPALIVE));
        l.start(T0);
        for (long t = T0; t - untilNanos <= 0; t += TICK) {
            if ((t - T0) % KEEPALIVE == 0) {
                l.onHeartbeat(t);
            }
            assertEquals(ALIVE, l.check(t));
        }
        return l;
    }

    @Test
    void shouldNotDeclarePeerDeadAfterOwnStall() {
        long stallStart = T0 + 1_000 * MS;
        PeerLiveness l = runningUntil(stallStart);
        long resume = stallStart + 2_000 * MS;

        assertEquals(POSTPONED, l.check(resume), "2 s without a tick: our own stall, not the peer's silence");
        // The event loop then reads the heartbeats that queued up in the socket meanwhile.
        l.onHeartbeat(resume + 1 * MS);
        for (long t = resume + TICK; t - (resume + 2 * DEAD_AFTER) <= 0; t += TICK) {
            if ((t - resume) % KEEPALIVE == 0) {
                l.onHeartbeat(t);
            }
            PeerLiveness.Verdict v = l.check(t);
            assertTrue(v == ALIVE || v == POSTPONED, "at +" + (t - resume) / MS + "ms: " + v);
        }
        assertEquals(1, l.stallDetector().stalls());
        assertEquals(2_000 * MS, l.stallDetector().lastStallNanos());
    }

    @Test
    void shouldDeclarePeerDeadAfterTheGraceWhenItIsReallyGoneAfterOwnStall() {
        long stallStart = T0 + 1_000 * MS;
        PeerLiveness l = runningUntil(stallStart);
        long resume = stallStart + 2_000 * MS;
        long grace = l.stallDetector().graceNanos();

        assertEquals(POSTPONED, l.check(resume));
        for (long t = resume + TICK; t - (resume + grace) < 0; t += TICK) {
            assertEquals(POSTPONED, l.check(t), "nothing queued, but the socket may not be drained yet");
        }
        assertEquals(DEAD, l.check(resume + grace), "the peer is really gone");
        assertTrue(grace >= KEEPALIVE && grace <= KEEPALIVE + 4 * TICK + KEEPALIVE / 4, "grace " + grace / MS + "ms");
    }

    @Test
    void shouldNotCountNormalTickJitterAsStall() {
        PeerLiveness l = runningUntil(T0 + 500 * MS);
        l.onHeartbeat(T0 + 600 * MS);

        assertEquals(ALIVE, l.check(T0 + 500 * MS + KEEPALIVE), "a gap of one keepalive is not yet a stall");
        assertEquals(0, l.stallDetector().stalls());
    }

    @Test
    void shouldDeclareLeavingPeerDeadEvenRightAfterOwnStall() {
        PeerLiveness l = runningUntil(T0 + 400 * MS);
        l.onLeaving(T0 + 401 * MS);

        assertEquals(DEAD, l.check(T0 + 3_000 * MS), "the peer said goodbye: no need to wait for the socket");
    }

    @Test
    void shouldPostponeTheInitdeadVerdictAfterOwnStall() {
        PeerLiveness l = new PeerLiveness(WARN, DEAD_AFTER, INITDEAD, new StallDetector("d1", TICK, KEEPALIVE));
        l.start(T0);
        assertEquals(NEVER_HEARD, l.check(T0 + TICK));

        assertEquals(POSTPONED, l.check(T0 + INITDEAD + 500 * MS));
        l.onHeartbeat(T0 + INITDEAD + 501 * MS);
        assertEquals(ALIVE, l.check(T0 + INITDEAD + 510 * MS));
    }

    @Test
    void shouldNotConsumeTheLateWarningWhilePostponed() {
        PeerLiveness l = runningUntil(T0 + 400 * MS);
        long resume = T0 + 400 * MS + WARN + 50 * MS;
        long graceEnd = resume + l.stallDetector().graceNanos();

        assertEquals(POSTPONED, l.check(resume), "late only because we slept");
        for (long t = resume + TICK; t - graceEnd < 0; t += TICK) {
            assertEquals(POSTPONED, l.check(t));
        }
        assertEquals(LATE, l.check(graceEnd), "still nothing after the grace: now it is the peer that is late");
        assertEquals(ALIVE, l.check(graceEnd + TICK), "reported once");
    }
}
