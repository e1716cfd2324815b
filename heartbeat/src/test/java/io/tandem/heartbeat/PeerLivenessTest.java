package io.tandem.heartbeat;

import static io.tandem.heartbeat.PeerLiveness.Verdict.ALIVE;
import static io.tandem.heartbeat.PeerLiveness.Verdict.DEAD;
import static io.tandem.heartbeat.PeerLiveness.Verdict.LATE;
import static io.tandem.heartbeat.PeerLiveness.Verdict.NEVER_HEARD;
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
}
