package io.tandem.heartbeat;

/**
 * The last {@value #WIDTH} sequence numbers of one sender generation seen on one medium, as one
 * bit each: the sliding anti-replay window of IPsec (RFC 4303, 3.4.3), which also yields the
 * medium's recent loss.
 * <pre>
 *   bit:      63 ............................. 2   1   0
 *   sequence: top-63 ......................... top-2 top-1 top
 * </pre>
 * A sequence is accepted once: when it is above {@code top} (the window slides up and the
 * sequences skipped stay 0, lost unless they turn up late), or when it is within the window and
 * its bit is still 0 (it arrived late). A sequence already seen, one further back than the window
 * or one of an older generation is refused. A newer generation (the sender restarted) starts a
 * fresh window. Allocation-free; not thread-safe.
 */
final class SequenceWindow {
    /** How many sequence numbers the window covers. */
    static final int WIDTH = Long.SIZE;

    private boolean started;
    private long generation;
    private long top;
    private long first;
    private long bits;

    /** Records a heartbeat; false when it was seen already or is too old for the window. */
    boolean accept(long generation, long sequence) {
        if (!started || generation > this.generation) {
            started = true;
            this.generation = generation;
            top = sequence;
            first = sequence;
            bits = 1;
            return true;
        }
        if (generation < this.generation) {
            return false;
        }
        if (sequence > top) {
            long shift = sequence - top;
            bits = shift >= WIDTH ? 1 : (bits << shift) | 1;
            top = sequence;
            first = Math.min(first, sequence);
            return true;
        }
        long behind = top - sequence;
        if (behind >= WIDTH) {
            return false;
        }
        long bit = 1L << behind;
        if ((bits & bit) != 0) {
            return false;
        }
        bits |= bit;
        first = Math.min(first, sequence);
        return true;
    }

    /** Whether this window has seen a heartbeat newer than any {@code other} has seen. */
    boolean isNewerThan(SequenceWindow other) {
        if (!started) {
            return false;
        }
        if (!other.started) {
            return true;
        }
        return generation > other.generation || (generation == other.generation && top > other.top);
    }

    /** Whether anything of {@code generation} was seen. */
    boolean hasSeen(long generation) {
        return started && this.generation == generation;
    }

    /**
     * The share of the last {@value #WIDTH} sequences up to {@code newest} (the newest sequence of
     * {@code generation} heard on any medium) that did not arrive here, in percent, counting only
     * from the first sequence this medium heard in that generation; 100 when it heard nothing of it.
     */
    double lossPercent(long generation, long newest) {
        if (!hasSeen(generation)) {
            return 100.0;
        }
        long reference = Math.max(newest, top);
        long shift = reference - top;
        long seen = shift >= WIDTH ? 0 : bits << shift;
        long span = Math.min(WIDTH, reference - first + 1);
        long mask = span >= WIDTH ? -1L : (1L << span) - 1;
        int received = Long.bitCount(seen & mask);
        return 100.0 * (span - received) / span;
    }
}
