package io.tandem.heartbeat;

import io.tandem.config.HaConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a config reload can change in the heartbeat layer without a restart, and what it cannot.
 * <pre>
 *   live     authkeys (keys, active key)      HeartbeatTransport.updateKeys
 *   live     media (ucast, bcast, mcast)      HeartbeatTransport.updateMedia, off the event loop:
 *                                             unchanged media keep their sockets and link state
 *   restart  cluster name, node names         they are the identity the codec and the replay
 *                                             guard check every datagram against
 *   restart  udpport                          every ucast and bcast socket is bound to it
 *   restart  keepalive, warntime, deadtime,   PeerLiveness, StallDetector and PeerLinks are built
 *            initdead                         with them (the daemon may rebuild PeerLiveness)
 * </pre>
 */
public final class HeartbeatReload {
    private HeartbeatReload() {
    }

    /**
     * Why a transport and liveness built from {@code running} cannot take {@code next} live, one
     * {@code key=old -> new} line per difference; empty when keys and media are all that changed.
     */
    public static List<String> restartNeededFor(HaConfig running, HaConfig next) {
        List<String> reasons = new ArrayList<>();
        differ(reasons, "cluster", running.clusterName(), next.clusterName());
        differ(reasons, "node", running.nodes(), next.nodes());
        differ(reasons, "udpport", running.udpPort(), next.udpPort());
        differ(reasons, "keepalive", running.keepalive(), next.keepalive());
        differ(reasons, "warntime", running.warntime(), next.warntime());
        differ(reasons, "deadtime", running.deadtime(), next.deadtime());
        differ(reasons, "initdead", running.initdead(), next.initdead());
        return reasons;
    }

    private static void differ(List<String> reasons, String key, Object running, Object next) {
        if (!running.equals(next)) {
            reasons.add(key + "=" + show(running) + " -> " + show(next));
        }
    }

    private static String show(Object value) {
        return value instanceof Duration d ? d.toMillis() + "ms" : String.valueOf(value);
    }
}
