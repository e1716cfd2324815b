package io.tandem.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private final ReplayGuard guard = new ReplayGuard();

    @Test
    void shouldIgnoreReplayedHeartbeat() {
        assertTrue(guard.accept("beta", 3, 10));
        assertFalse(guard.accept("beta", 3, 10), "the same heartbeat again");
        assertFalse(guard.accept("beta", 3, 9), "an older one");
        assertTrue(guard.accept("beta", 3, 11));
        assertEquals(11, guard.lastSequence("beta"));
    }

    @Test
    void shouldAcceptNewGenerationWithLowerSequence() {
        assertTrue(guard.accept("beta", 3, 1_000));
        assertTrue(guard.accept("beta", 4, 0), "the peer restarted");
        assertFalse(guard.accept("beta", 3, 1_001), "a heartbeat of the previous boot");
        assertEquals(4, guard.lastGeneration("beta"));
    }

    @Test
    void shouldTrackEachNodeSeparately() {
        assertTrue(guard.accept("beta", 5, 5));
        assertTrue(guard.accept("gamma", 1, 1));
        assertEquals(0, guard.lastGeneration("delta"));
        assertEquals(-1, guard.lastSequence("delta"));
    }

    @Test
    void shouldRejectEarlierGenerationsAfterSeed() {
        guard.seed("beta", 6);

        assertFalse(guard.accept("beta", 5, Long.MAX_VALUE));
        assertTrue(guard.accept("beta", 6, 0), "the seeded generation, from any sequence");
        assertFalse(guard.accept("beta", 6, 0));
        assertEquals(6, guard.lastGeneration("beta"));
    }

    @Test
    void shouldNotLetSeedMoveBackwards() {
        assertTrue(guard.accept("beta", 8, 3));
        guard.seed("beta", 7);
        guard.seed("beta", 8);

        assertFalse(guard.accept("beta", 8, 3));
        assertEquals(3, guard.lastSequence("beta"));
        assertThrows(IllegalArgumentException.class, () -> guard.seed("beta", -1));
    }

    @Test
    void shouldTellACopyFromAnotherMediumFromAReplay() {
        guard.accept("beta", 3, 100);

        assertFalse(guard.isNewer("beta", 3, 100));
        assertTrue(guard.isNewer("beta", 3, 101));
        assertTrue(guard.isRecentCopy("beta", 3, 100), "the same heartbeat by a second medium");
        assertTrue(guard.isRecentCopy("beta", 3, 100 - ReplayGuard.COPY_WINDOW + 1), "late but within the window");
        assertFalse(guard.isRecentCopy("beta", 3, 100 - ReplayGuard.COPY_WINDOW), "too old to be a copy");
        assertFalse(guard.isRecentCopy("beta", 2, 100), "an earlier boot");
        assertFalse(guard.isRecentCopy("beta", 3, 101), "newer is not a copy");
        assertFalse(guard.isRecentCopy("gamma", 3, 100), "nothing accepted from gamma");
        assertEquals(100, guard.lastSequence("beta"), "asking changes nothing");
    }
}
