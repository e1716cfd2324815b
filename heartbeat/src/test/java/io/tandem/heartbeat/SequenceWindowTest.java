package io.tandem.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequenceWindowTest {
    private final SequenceWindow window = new SequenceWindow();

    @Test
    void shouldAcceptEachSequenceOnce() {
        assertTrue(window.accept(1, 10));
        assertTrue(window.accept(1, 11));
        assertFalse(window.accept(1, 11), "replayed");
        assertFalse(window.accept(1, 10), "replayed, older");
        assertEquals(0.0, window.lossPercent(1, 11));
    }

    @Test
    void shouldAcceptALateSequenceWithinTheWindowOnce() {
        window.accept(1, 10);
        window.accept(1, 13);

        assertTrue(window.accept(1, 12), "arrived after 13: late, not lost");
        assertFalse(window.accept(1, 12));
        assertEquals(25.0, window.lossPercent(1, 13), "11 of 10..13 is missing");
    }

    @Test
    void shouldRefuseWhatIsOlderThanTheWindow() {
        window.accept(1, 1_000);

        assertFalse(window.accept(1, 1_000 - SequenceWindow.WIDTH));
        assertTrue(window.accept(1, 1_000 - SequenceWindow.WIDTH + 1));
    }

    @Test
    void shouldStartAFreshWindowForANewGenerationAndRefuseOldOnes() {
        window.accept(4, 500);

        assertTrue(window.accept(5, 0), "the peer restarted");
        assertFalse(window.accept(4, 501), "a heartbeat of its previous boot");
        assertTrue(window.hasSeen(5));
        assertFalse(window.hasSeen(4));
    }

    @Test
    void shouldMeasureLossFromSequenceGaps() {
        for (long s = 0; s < 64; s += 2) {
            window.accept(1, s);
        }
        assertEquals(50.0, window.lossPercent(1, 63), 0.01, "every other heartbeat lost");
        assertEquals(100.0 * 33 / 64, window.lossPercent(1, 64), 0.01);
    }

    @Test
    void shouldCountSilenceWhileOtherLinksAdvanceAsLoss() {
        for (long s = 0; s < 64; s++) {
            window.accept(1, s);
        }
        assertEquals(0.0, window.lossPercent(1, 63));
        assertEquals(50.0, window.lossPercent(1, 95), 0.01, "32 newer heartbeats heard elsewhere, none here");
        assertEquals(100.0, window.lossPercent(1, 200));
        assertEquals(100.0, window.lossPercent(2, 3), "nothing of the peer's new generation");
    }

    @Test
    void shouldMeasureOnlyFromTheFirstSequenceHeard() {
        window.accept(1, 1_000);
        window.accept(1, 1_001);

        assertEquals(0.0, window.lossPercent(1, 1_001), "what came before this link was up is not its loss");
    }

    @Test
    void shouldSlideByMoreThanTheWholeWindow() {
        window.accept(1, 0);
        assertTrue(window.accept(1, 500));
        assertTrue(window.accept(1, 499));
        assertFalse(window.accept(1, 436));
    }

    @Test
    void shouldTellWhichWindowHeardTheNewerHeartbeat() {
        SequenceWindow other = new SequenceWindow();
        assertFalse(window.isNewerThan(other), "neither heard anything");
        window.accept(1, 5);
        assertTrue(window.isNewerThan(other));
        other.accept(1, 5);
        assertFalse(window.isNewerThan(other), "the same heartbeat");
        other.accept(2, 0);
        assertTrue(other.isNewerThan(window), "a newer generation");
    }
}
