package io.tandem.director;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Numbers with a single writer (the forwarding thread) and any number of readers (metrics,
 * {@code tandemctl}). Writes are opaque stores: on x86 and ARM a plain store the JIT may not
 * drop or tear, with no fence; readers see each value whole, possibly a few updates late.
 */
final class OpaqueCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values;

    OpaqueCounters(int count) {
        values = new long[count];
    }

    /** Owner thread only. */
    void add(int counter, long delta) {
        LONGS.setOpaque(values, counter, values[counter] + delta);
    }

    /** Owner thread only. */
    void set(int counter, long value) {
        LONGS.setOpaque(values, counter, value);
    }

    /** Owner thread only: reads back its own writes without the opaque access (hot loops). */
    long plain(int counter) {
        return values[counter];
    }

    /** Any thread. */
    long get(int counter) {
        return (long) LONGS.getOpaque(values, counter);
    }
}
