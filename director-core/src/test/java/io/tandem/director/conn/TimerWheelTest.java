package io.tandem.director.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    /** One level-0 bucket. */
    private static final long TICK = 1L << 27;
    /** A System.nanoTime()-like origin, negative on purpose. */
    private static final long T0 = -5_000_000_000_000L;

    private final List<Long> expiredAt = new ArrayList<>();
    private final List<Integer> expired = new ArrayList<>();
    private final TimerWheel wheel = new TimerWheel(16, T0);

    private void expire(int entry, long nowNs) {
        expired.add(entry);
        expiredAt.add(nowNs);
    }

    private void advanceTo(long t, long stepNs) {
        for (long now = T0; now <= t; now += stepNs) {
            wheel.advance(now, this::expire);
        }
    }

    @Test
    void shouldExpireAnEntryAfterItsDeadlineAndNotBefore() {
        wheel.schedule(3, T0 + 10 * S);
        wheel.advance(T0 + 10 * S - TICK - 1, this::expire);
        assertTrue(expired.isEmpty());
        wheel.advance(T0 + 10 * S + TICK, this::expire);
        assertEquals(List.of(3), expired);
        assertFalse(wheel.isScheduled(3));
    }

    @Test
    void shouldExpireEntriesFromEveryLevel() {
        long[] deadlines = {S / 2, 5 * S, 60 * S, 900 * S, 3 * 3600 * S, 2 * 86_400 * S, 40L * 86_400 * S};
        for (int i = 0; i < deadlines.length; i++) {
            wheel.schedule(i, T0 + deadlines[i]);
        }
        long step = 10 * S;
        for (long now = T0; now <= T0 + 41L * 86_400 * S; now += step) {
            wheel.advance(now, this::expire);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), expired);
        for (int i = 0; i < deadlines.length; i++) {
            long late = expiredAt.get(i) - (T0 + deadlines[i]);
            assertTrue(late >= 0 && late <= step + TICK, "entry " + i + " late by " + late);
        }
    }

    @Test
    void shouldHonourALaterDeadlineWithoutRelinking() {
        wheel.schedule(1, T0 + 10 * S);
        wheel.setDeadline(1, T0 + 100 * S);
        advanceTo(T0 + 99 * S, S / 10);
        assertTrue(expired.isEmpty());
        advanceTo(T0 + 101 * S, S / 10);
        assertEquals(List.of(1), expired);
    }

    @Test
    void shouldHonourAnEarlierDeadline() {
        wheel.schedule(1, T0 + 900 * S);
        wheel.setDeadline(1, T0 + 10 * S);
        advanceTo(T0 + 11 * S, S / 10);
        assertEquals(List.of(1), expired);
    }

    @Test
    void shouldNotExpireACancelledEntry() {
        wheel.schedule(1, T0 + S);
        wheel.schedule(2, T0 + S);
        wheel.cancel(1);
        advanceTo(T0 + 3 * S, S / 10);
        assertEquals(List.of(2), expired);
    }

    @Test
    void shouldExpireAnEntryScheduledInThePastAtTheNextTick() {
        wheel.advance(T0 + 50 * S, this::expire);
        wheel.schedule(4, T0 + 10 * S);
        wheel.advance(T0 + 50 * S + TICK, this::expire);
        assertEquals(List.of(4), expired);
    }

    @Property(tries = 200)
    void shouldExpireEveryEntryWithinATickAndAStepOfItsDeadline(
            @ForAll @Size(min = 1, max = 64) List<@LongRange(min = 0, max = 20_000_000_000_000L) Long> deadlines,
            @ForAll @IntRange(min = 1, max = 5000) int stepMs) {
        TimerWheel w = new TimerWheel(64, T0);
        long[] firedAt = new long[deadlines.size()];
        java.util.Arrays.fill(firedAt, Long.MIN_VALUE);
        for (int i = 0; i < deadlines.size(); i++) {
            w.schedule(i, T0 + deadlines.get(i));
        }
        long step = stepMs * MS;
        long max = deadlines.stream().mapToLong(Long::longValue).max().orElse(0);
        // jump in big strides far from the deadlines, small ones near them, as a busy loop would
        long now = T0;
        while (now <= T0 + max + step + TICK) {
            w.advance(now, (e, t) -> firedAt[e] = t);
            long nextDue = Long.MAX_VALUE;
            for (int i = 0; i < deadlines.size(); i++) {
                if (firedAt[i] == Long.MIN_VALUE) {
                    nextDue = Math.min(nextDue, T0 + deadlines.get(i));
                }
            }
            now = nextDue == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(now + step, nextDue - step);
        }
        for (int i = 0; i < deadlines.size(); i++) {
            long late = firedAt[i] - (T0 + deadlines.get(i));
            assertTrue(firedAt[i] != Long.MIN_VALUE, "entry " + i + " never expired");
            assertTrue(late >= 0, "entry " + i + " expired early by " + -late);
            assertTrue(late <= step + TICK, "entry " + i + " expired late by " + late);
        }
    }
}
