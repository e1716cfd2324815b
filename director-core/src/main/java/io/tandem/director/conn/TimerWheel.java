package io.tandem.director.conn;

/**
 * A hierarchical timer wheel over entry indices (the idea of Varghese and Lauck, laid out as
 * Caffeine's {@code TimerWheel}): no timer object per entry, O(1) to schedule, and the work of
 * {@link #advance} proportional to the entries whose bucket came due.
 *
 * <pre>
 *  level  buckets  bucket span        wheel span      holds deadlines
 *    0      64     2^27 ns ~ 134 ms   2^33 ns ~ 8.6 s  less than 8.6 s away
 *    1      64     2^33 ns ~ 8.6 s    2^39 ns ~ 9.2 m  less than 9.2 min away
 *    2      64     2^39 ns ~ 9.2 m    2^45 ns ~ 9.8 h  less than 9.8 h away
 *    3      64     2^45 ns ~ 9.8 h    2^51 ns ~ 26 d   less than 26 days away
 *    4       1     overflow                            further
 *
 *  bucket of a deadline d at level k = (d &gt;&gt;&gt; shift[k]) mod buckets[k]
 * </pre>
 *
 * Each bucket is a circular doubly linked list threaded through two int arrays, with one
 * sentinel index per bucket after the entries. {@link #advance} walks, level by level, the
 * buckets whose span the clock has entered since the last call (the last one visited again),
 * detaches each, and for every entry either hands it to the {@link Expiry} (deadline reached)
 * or files it again by its deadline, which moves entries down the levels as their time nears.
 *
 * <p>Deadlines may move later without touching the lists ({@link #setDeadline} only stores
 * them): an entry is filed again when its old bucket comes due. Connections refreshed by every
 * packet thus cost one store per packet, and a relink every few minutes. An entry never expires
 * before its deadline, and at most one level-0 span (134 ms) plus the interval between calls of
 * {@link #advance} after it. Times are relative to the origin given at construction, so any
 * {@code System.nanoTime()} value works; all arithmetic tolerates wrap-around.
 *
 * <p>Single-threaded; nothing allocates after construction.
 */
final class TimerWheel {
    /** Receives entries whose deadline has passed; may schedule them again. */
    interface Expiry {
        void onExpired(int entry, long nowNs);
    }

    static final int NIL = -1;
    private static final int[] BUCKETS = {64, 64, 64, 64, 1};
    private static final int[] SHIFT = {27, 33, 39, 45, 51};
    private static final int[] FIRST_SENTINEL = {0, 64, 128, 192, 256};
    private static final int LEVELS = BUCKETS.length;
    private static final int SENTINELS = 257;

    private final int capacity;
    private final long originNs;
    private final long[] deadlineNs;
    private final int[] next;
    private final int[] prev;
    /** Clock of the last advance, relative to the origin. */
    private long elapsedNs;

    TimerWheel(int capacity, long originNs) {
        this.capacity = capacity;
        this.originNs = originNs;
        this.deadlineNs = new long[capacity];
        this.next = new int[capacity + SENTINELS];
        this.prev = new int[capacity + SENTINELS];
        for (int i = 0; i < capacity; i++) {
            next[i] = NIL;
            prev[i] = NIL;
        }
        for (int s = capacity; s < capacity + SENTINELS; s++) {
            next[s] = s;
            prev[s] = s;
        }
    }

    /** Files {@code entry} (unlinking it first if it was filed) to expire at {@code deadline}. */
    void schedule(int entry, long deadline) {
        deadlineNs[entry] = deadline;
        if (next[entry] != NIL) {
            unlink(entry);
        }
        link(entry, bucketOf(deadline - originNs));
    }

    /**
     * Moves the deadline of a filed entry: later costs one store; earlier files it again so
     * that it is not expired late.
     */
    void setDeadline(int entry, long deadline) {
        if (deadline - deadlineNs[entry] >= 0) {
            deadlineNs[entry] = deadline;
        } else {
            schedule(entry, deadline);
        }
    }

    long deadlineNs(int entry) {
        return deadlineNs[entry];
    }

    boolean isScheduled(int entry) {
        return next[entry] != NIL;
    }

    /** Takes {@code entry} off the wheel; it will not expire. */
    void cancel(int entry) {
        if (next[entry] != NIL) {
            unlink(entry);
        }
    }

    /** Expires every entry whose deadline is at or before {@code nowNs}; returns how many. */
    int advance(long nowNs, Expiry expiry) {
        long previous = elapsedNs;
        long now = nowNs - originNs;
        if (now - previous <= 0) {
            return 0;
        }
        elapsedNs = now;
        int expired = 0;
        for (int level = 0; level < LEVELS; level++) {
            long previousTicks = previous >>> SHIFT[level];
            long delta = (now >>> SHIFT[level]) - previousTicks;
            if (delta <= 0) {
                break;
            }
            expired += expireLevel(level, previousTicks, delta, nowNs, expiry);
        }
        return expired;
    }

    private int expireLevel(int level, long previousTicks, long delta, long nowNs, Expiry expiry) {
        int mask = BUCKETS[level] - 1;
        int steps = (int) Math.min(delta + 1, BUCKETS[level]);
        int start = (int) (previousTicks & mask);
        int expired = 0;
        for (int i = start; i < start + steps; i++) {
            int sentinel = capacity + FIRST_SENTINEL[level] + (i & mask);
            int entry = next[sentinel];
            next[sentinel] = sentinel;
            prev[sentinel] = sentinel;
            while (entry != sentinel) {
                int following = next[entry];
                next[entry] = NIL;
                prev[entry] = NIL;
                if (deadlineNs[entry] - nowNs > 0) {
                    link(entry, bucketOf(deadlineNs[entry] - originNs));
                } else {
                    expired++;
                    expiry.onExpired(entry, nowNs);
                }
                entry = following;
            }
        }
        return expired;
    }

    /** The sentinel of the bucket for a deadline relative to the origin. */
    private int bucketOf(long deadline) {
        long due = deadline - elapsedNs < 0 ? elapsedNs : deadline;
        long duration = due - elapsedNs;
        for (int level = 0; level < LEVELS - 1; level++) {
            if (duration < 1L << SHIFT[level + 1]) {
                int index = (int) ((due >>> SHIFT[level]) & (BUCKETS[level] - 1));
                return capacity + FIRST_SENTINEL[level] + index;
            }
        }
        return capacity + FIRST_SENTINEL[LEVELS - 1];
    }

    private void link(int entry, int sentinel) {
        int last = prev[sentinel];
        next[last] = entry;
        prev[entry] = last;
        next[entry] = sentinel;
        prev[sentinel] = entry;
    }

    private void unlink(int entry) {
        int before = prev[entry];
        int after = next[entry];
        next[before] = after;
        prev[after] = before;
        next[entry] = NIL;
        prev[entry] = NIL;
    }

    /** Bytes of the arrays, for the footprint of the connection table. */
    long footprintBytes() {
        return 8L * deadlineNs.length + 4L * next.length + 4L * prev.length;
    }
}
