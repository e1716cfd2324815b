package io.tandem.director.sched;

/**
 * Picks the real server for a new connection of one virtual service, as the IPVS scheduler of
 * the same name does. One instance per service, owned by the forwarding thread: {@link #pick}
 * allocates nothing and may keep state between calls (round-robin position, current weight).
 *
 * <p>Addresses are passed as two longs, IPv4 as its IPv4-mapped IPv6 form
 * ({@code ::ffff:a.b.c.d}), so that one signature serves both families without boxing.
 */
public interface Scheduler {
    /** Returned when no server may take a new connection; the caller then uses the fallback. */
    int NO_SERVER = -1;

    /**
     * Index in the {@link ServerSet} of the server for a new connection, or {@link #NO_SERVER}.
     * Never a server of weight 0 or one that is not a member.
     */
    int pick(long sourceHigh, long sourceLow, int sourcePort, long destinationHigh, long destinationLow);

    /** Weights or memberships changed: rebuild whatever was derived from them. */
    void onServersChanged();

    /** The name {@code ipvsadm} uses for this scheduler. */
    SchedulerName name();
}
