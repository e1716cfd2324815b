package io.tandem.daemon.director;

import java.util.List;

/**
 * What {@code tandemctl services} and {@code tandemctl conns} show of one director resource: its
 * virtual services and real servers with their numbers (as {@code ipvsadm -Ln --stats --rate}),
 * or its connection entries (as {@code ipvsadm -Lnc}). Plain records, written as JSON by the
 * control socket.
 *
 * @param name       the haresources name of the resource
 * @param file       its director.cf
 * @param forwarding whether this node forwards for it now (the group is held here)
 * @param capacity   connection table capacity; {@code size} entries in use
 * @param sync       the connection sync stream, or null without one
 */
public record DirectorView(String name, String file, boolean forwarding, int capacity, int size,
        List<ServiceView> services, SyncView sync) {

    /**
     * The sync stream: {@code synchronised} once the peer's full dump arrived; counters by name
     * (entries sent/received, resends, drops by reason, {@code lag_ms}: age of the oldest entry the
     * peer has not acknowledged).
     */
    public record SyncView(String local, String peer, boolean synchronised, java.util.Map<String, Long> counters) {
    }

    /** A virtual service: {@code persistentSeconds} 0 when not persistent. */
    public record ServiceView(String protocol, String address, int port, String scheduler, long persistentSeconds,
            int persistenceMask, boolean quiescent, List<RealView> reals) {
    }

    /**
     * A real server (or the fallback server). {@code weight} is the one the scheduler uses now,
     * {@code configuredWeight} director.cf's; {@code health} is {@code up}, {@code down} or
     * {@code unchecked}, with the last check's reason.
     */
    public record RealView(String address, int port, String forwarding, int weight, int configuredWeight,
            boolean member, boolean fallback, int activeConnections, int inactiveConnections,
            int persistentConnections, long connections, long inPackets, long outPackets, long inBytes,
            long outBytes, Rates rate, String health, String healthReason) {
    }

    /** Per second over the last sampling interval (2 s), as ipvsadm's estimator shows them. */
    public record Rates(double connections, double inPackets, double outPackets, double inBytes, double outBytes) {
        public static final Rates ZERO = new Rates(0, 0, 0, 0, 0);
    }

    /**
     * A connection entry (or a persistence template, {@code template} true, client port 0).
     *
     * @param expireSeconds seconds until it expires unless a packet refreshes it
     * @param synced        learnt from the peer director's sync stream, not from a packet here
     */
    public record ConnectionView(String protocol, long expireSeconds, String state, String client, String virtual,
            String destination, boolean template, boolean synced) {
    }
}
