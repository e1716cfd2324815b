package io.tandem.director.forward;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the forwarding loop did with the frames it saw, by outcome and drop reason. One writer
 * (the forwarding thread, opaque stores), any number of readers.
 */
public final class ForwarderCounters {
    /** The counted outcomes. */
    public enum Counter {
        /** Frames read from the rings. */
        FRAMES_IN,
        /** Client packets sent on to a real server (DR, NAT or TUN). */
        FORWARDED,
        /** NAT replies sent on to a client. */
        REPLIES_FORWARDED,
        /** Frames that were not a virtual service's, or not TCP/UDP (left to the kernel, which only lent us a copy). */
        PASSED,
        /** Frames addressed to another host's MAC (flooded by a switch): never forwarded. */
        OTHER_HOST,
        /** Dropped: no real server (nor fallback) would take a new connection. */
        DROP_NO_SERVER,
        /** Dropped: the connection table was full. */
        DROP_TABLE_FULL,
        /** Dropped: the real server's MAC is not known yet (resolution has been asked for). */
        DROP_NO_SERVER_MAC,
        /** Dropped: a NAT reply for a connection whose client MAC is not known (e.g. synced). */
        DROP_NO_CLIENT_MAC,
        /** Dropped: the forwarded frame would exceed the MTU (GRO/GSO frame, or IPIP overhead). */
        DROP_TOO_BIG,
        /** Dropped: IPIP to a server of a family the director has no tunnel source address for. */
        DROP_NO_TUNNEL_SOURCE,
        /** Dropped: the kernel refused to send the frame. */
        DROP_SEND_FAILED,
        /** Frames the kernel dropped because a receive ring was full (the loop fell behind). */
        RING_DROPS,
        /** An IP fragment or a malformed frame: left to the kernel (fragments of a service are not forwarded). */
        UNFORWARDABLE
    }

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final Counter[] COUNTERS = Counter.values();

    private final long[] values = new long[COUNTERS.length];

    /** Forwarding thread only. */
    void add(Counter counter, long delta) {
        int i = counter.ordinal();
        LONGS.setOpaque(values, i, values[i] + delta);
    }

    /** Forwarding thread only. */
    void increment(Counter counter) {
        add(counter, 1);
    }

    /** Any thread. */
    public long get(Counter counter) {
        return (long) LONGS.getOpaque(values, counter.ordinal());
    }

    /** Every counter, for metrics and status (allocates). */
    public Map<Counter, Long> snapshot() {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : COUNTERS) {
            m.put(c, get(c));
        }
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
