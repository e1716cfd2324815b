package io.tandem.sync;

/**
 * The receiver's view of the peer's DATA stream: which sequences of the peer's current
 * generation arrived, as one bit each over a window of {@value #WIDTH} sequences starting at the
 * lowest one still missing.
 *
 * <pre>
 *  next      lowest sequence not yet received (everything before it arrived, or was given up)
 *  highest   highest sequence known to exist: received, or announced by the peer's STATUS
 *  bit s mod WIDTH, for next &lt;= s &lt; next + WIDTH: s arrived
 *  missing   the zero bits in [next, highest]: what a NACK asks for
 * </pre>
 *
 * A sequence arrives once; one below {@code next} or whose bit is set is a duplicate (a replay,
 * or a resend that crossed the original). A sequence {@code WIDTH} or more beyond {@code next}
 * gives up the oldest missing ones ({@link #overflowed}: the caller asks for a full dump). A
 * newer generation (the peer restarted) starts a fresh window at sequence 1; an older one is
 * refused. {@link #skipBelow} gives up missing sequences a full dump has made useless.
 * Allocation-free; owned by the receive thread.
 */
final class StreamWindow {
    /** Sequences the window tracks beyond the lowest missing one. */
    static final int WIDTH = 8192;
    private static final int MASK = WIDTH - 1;

    /** {@link #accept}: a new sequence. */
    static final int NEW = 0;
    /** {@link #accept}: seen already or too old. */
    static final int DUPLICATE = 1;
    /** {@link #accept}: an older generation than the current one. */
    static final int OLD_GENERATION = 2;

    private final long[] bits = new long[WIDTH / 64];
    private long floor;
    private long generation;
    private long next = 1;
    private long highest;
    private long skipBelow;
    private long gaps;
    private long skipped;
    private boolean overflowed;

    /** Records DATA {@code sequence} of {@code generation}: {@link #NEW}, {@link #DUPLICATE} or {@link #OLD_GENERATION}. */
    int accept(long generation, long sequence) {
        if (generation < floor) {
            return OLD_GENERATION;
        }
        if (generation > this.generation) {
            reset(generation, sequence);
        } else if (generation < this.generation) {
            return OLD_GENERATION;
        }
        if (sequence < next) {
            return DUPLICATE;
        }
        if (sequence - next >= WIDTH) {
            overflowed = true;
            giveUpBelow(sequence - WIDTH + 1);
        }
        if (isSet(sequence)) {
            return DUPLICATE;
        }
        if (sequence > highest + 1) {
            gaps += sequence - Math.max(highest + 1, next);
        }
        bits[(int) (sequence & MASK) >>> 6] |= 1L << (sequence & 63);
        highest = Math.max(highest, sequence);
        advance();
        return NEW;
    }

    /** The peer says it sent up to {@code sequence} in {@code generation} (STATUS). */
    void announce(long generation, long sequence) {
        if (generation < floor) {
            return;
        }
        if (generation > this.generation) {
            reset(generation, sequence + 1);
        }
        if (generation == this.generation && sequence > highest) {
            gaps += sequence - Math.max(highest + 1, next);
            highest = sequence;
        }
    }

    /** Missing sequences below {@code sequence} are not wanted any more (a full dump covers them). */
    void skipBelow(long sequence) {
        skipBelow = Math.max(skipBelow, sequence);
        advance();
    }

    private void giveUpBelow(long sequence) {
        long keep = skipBelow;
        skipBelow = Math.max(skipBelow, sequence);
        advance();
        skipBelow = keep;
    }

    private void advance() {
        while (true) {
            if (isSet(next)) {
                bits[(int) (next & MASK) >>> 6] &= ~(1L << (next & 63));
            } else if (next < skipBelow && next <= highest) {
                skipped++;
            } else if (next < skipBelow) {
                // never announced: nothing given up
            } else {
                return;
            }
            next++;
        }
    }

    private boolean isSet(long sequence) {
        return sequence >= next && sequence - next < WIDTH
                && (bits[(int) (sequence & MASK) >>> 6] & (1L << (sequence & 63))) != 0;
    }

    /**
     * A new generation of the peer. Heard first (this node just started): its stream is taken from
     * {@code firstHeard} on, earlier entries come with the full dump this node asks for. Heard
     * after another generation (the peer restarted): from sequence 1.
     */
    private void reset(long generation, long firstHeard) {
        boolean fresh = this.generation == 0;
        this.generation = generation;
        java.util.Arrays.fill(bits, 0);
        next = fresh ? firstHeard : 1;
        highest = next - 1;
        skipBelow = 0;
    }

    /** Refuses the peer's generations before {@code generation} (the last one seen, kept across restarts). */
    void seed(long generation) {
        floor = Math.max(floor, generation);
    }

    long generation() {
        return generation;
    }

    /** Every sequence up to this one arrived (or was given up). */
    long contiguous() {
        return next - 1;
    }

    long highest() {
        return highest;
    }

    boolean hasMissing() {
        return highest >= next;
    }

    /** Missing sequences ever found (each once). */
    long gaps() {
        return gaps;
    }

    /** Missing sequences given up. */
    long skipped() {
        return skipped;
    }

    /** Whether sequences were given up because the window overflowed since the last call; clears it. */
    boolean takeOverflowed() {
        boolean o = overflowed;
        overflowed = false;
        return o;
    }

    /**
     * Writes up to {@code maxRanges} ranges of missing sequences, oldest first, as pairs into
     * {@code out}; returns how many.
     */
    int missingRanges(long[] out, int maxRanges) {
        int n = 0;
        long s = next;
        while (s <= highest && n < maxRanges) {
            while (s <= highest && isSet(s)) {
                s++;
            }
            if (s > highest) {
                break;
            }
            long first = s;
            while (s <= highest && !isSet(s) && s - next < WIDTH) {
                s++;
            }
            out[2 * n] = first;
            out[2 * n + 1] = s - 1;
            n++;
            if (s - next >= WIDTH) {
                break;
            }
        }
        return n;
    }
}
