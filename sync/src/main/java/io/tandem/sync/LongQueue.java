package io.tandem.sync;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded single-producer single-consumer queue of longs (Lamport's ring): the receive thread
 * hands the engine thread the sequence ranges the peer asked to be sent again, without boxing or
 * locking. When full, {@link #offer} refuses; the peer asks again.
 */
final class LongQueue {
    private final long[] ring;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    LongQueue(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity=" + capacity + " must be a power of two");
        }
        ring = new long[capacity];
        mask = capacity - 1;
    }

    /** Producer: adds two values (a pair is taken together) or returns false when full. */
    boolean offerPair(long first, long second) {
        long t = tail.get();
        if (t + 2 - head.get() > ring.length) {
            return false;
        }
        ring[(int) t & mask] = first;
        ring[(int) (t + 1) & mask] = second;
        tail.lazySet(t + 2);
        return true;
    }

    boolean isEmpty() {
        return head.get() == tail.get();
    }

    /** Consumer: the first value of the next pair; call only when not empty, then {@link #second}. */
    long first() {
        return ring[(int) head.get() & mask];
    }

    /** Consumer: the second value of the next pair, which it takes off the queue. */
    long second() {
        long h = head.get();
        long v = ring[(int) (h + 1) & mask];
        head.lazySet(h + 2);
        return v;
    }
}
