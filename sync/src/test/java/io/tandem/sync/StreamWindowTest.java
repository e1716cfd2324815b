package io.tandem.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StreamWindowTest {
    private final StreamWindow w = new StreamWindow();

    private long[] missing() {
        long[] out = new long[16];
        int n = w.missingRanges(out, 8);
        return Arrays.copyOf(out, 2 * n);
    }

    @Test
    void shouldTakeAFirstHeardStreamFromWhereItIsHeard() {
        assertEquals(StreamWindow.NEW, w.accept(3, 100));
        assertEquals(100, w.contiguous());
        assertFalse(w.hasMissing());
    }

    @Test
    void shouldFindGapsAndCloseThemWhenResendsArrive() {
        w.accept(3, 1);
        w.accept(3, 2);
        w.accept(3, 5);
        w.accept(3, 8);
        assertEquals(2, w.contiguous());
        assertArrayEquals(new long[] {3, 4, 6, 7}, missing());
        assertEquals(4, w.gaps());
        assertEquals(StreamWindow.NEW, w.accept(3, 4));
        assertEquals(StreamWindow.NEW, w.accept(3, 3));
        assertEquals(5, w.contiguous());
        assertArrayEquals(new long[] {6, 7}, missing());
    }

    @Test
    void shouldRefuseDuplicatesAndReplays() {
        w.accept(3, 1);
        w.accept(3, 3);
        assertEquals(StreamWindow.DUPLICATE, w.accept(3, 1), "below the window");
        assertEquals(StreamWindow.DUPLICATE, w.accept(3, 3), "in the window, seen");
        assertEquals(StreamWindow.OLD_GENERATION, w.accept(2, 50));
    }

    @Test
    void shouldStartAtOneWhenThePeerRestarts() {
        w.accept(3, 500);
        assertEquals(StreamWindow.NEW, w.accept(4, 3));
        assertEquals(4, w.generation());
        assertArrayEquals(new long[] {1, 2}, missing(), "the first datagrams of the new boot were lost");
    }

    @Test
    void shouldTurnAnAnnouncedTailIntoAGap() {
        w.accept(3, 1);
        w.announce(3, 4);
        assertArrayEquals(new long[] {2, 4}, missing());
    }

    @Test
    void shouldGiveUpWhatADumpReplacedAndCountIt() {
        w.accept(3, 1);
        w.accept(3, 10);
        w.skipBelow(6);
        assertEquals(5, w.contiguous());
        assertEquals(4, w.skipped());
        assertArrayEquals(new long[] {6, 9}, missing());
    }

    @Test
    void shouldOverflowRatherThanTrackMoreThanItsWidth() {
        w.accept(3, 1);
        w.accept(3, 3);
        assertEquals(StreamWindow.NEW, w.accept(3, 3 + StreamWindow.WIDTH));
        assertTrue(w.takeOverflowed());
        assertFalse(w.takeOverflowed());
        assertTrue(w.contiguous() >= 3, "the oldest gap was given up");
    }

    @Test
    void shouldRefuseGenerationsBelowTheSeed() {
        w.seed(5);
        assertEquals(StreamWindow.OLD_GENERATION, w.accept(4, 1));
        assertEquals(StreamWindow.NEW, w.accept(5, 9));
    }
}
