package io.tandem.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The validated contents of ha.cf.
 *
 * @param clusterName  {@code cluster NAME} (Tandem's own directive), default {@code tandem}
 * @param nodes        the {@code node} lines, in order (exactly two)
 * @param media        every heartbeat medium, in ha.cf order: ucast lines that point at the peer,
 *                     one entry per bcast device, mcast lines (at least one in all)
 * @param udpPort      {@code udpport}, default 694
 * @param keepalive    interval between heartbeats, default 200 ms
 * @param warntime     silence after which a late heartbeat is logged, default 500 ms
 * @param deadtime     silence after which the peer is declared dead, default 1 s
 * @param initdead     how long to wait for the peer at start-up, default 2 x deadtime
 * @param autoFailback {@code auto_failback on|off}, default off
 * @param garpCount    gratuitous ARPs sent per takeover ({@code garp_count}, default 5)
 * @param garpInterval interval between them ({@code garp_interval}, default 200 ms)
 * @param policy       ping nodes, fencing and notify hooks
 * @param logging      {@code logfacility}, {@code logfile}, {@code debugfile}, {@code debug}
 * @param metricsAddress {@code metrics_address IP:PORT}: where Prometheus metrics are served (a
 *                     loopback or local address), or null: no metrics listener (the default)
 */
public record HaConfig(
        String clusterName,
        List<String> nodes,
        List<Medium> media,
        int udpPort,
        Duration keepalive,
        Duration warntime,
        Duration deadtime,
        Duration initdead,
        boolean autoFailback,
        int garpCount,
        Duration garpInterval,
        FailoverPolicy policy,
        LogSettings logging,
        InetSocketAddress metricsAddress) {

    public HaConfig {
        nodes = List.copyOf(nodes);
        media = List.copyOf(media);
    }

    /** A config that logs to standard output only and serves no metrics. */
    public HaConfig(String clusterName, List<String> nodes, List<Medium> media, int udpPort, Duration keepalive,
            Duration warntime, Duration deadtime, Duration initdead, boolean autoFailback, int garpCount,
            Duration garpInterval, FailoverPolicy policy) {
        this(clusterName, nodes, media, udpPort, keepalive, warntime, deadtime, initdead, autoFailback, garpCount,
                garpInterval, policy, LogSettings.DEFAULT, null);
    }

    /** A config with the default {@link FailoverPolicy} (no ping nodes, fencing or notify hooks). */
    public HaConfig(String clusterName, List<String> nodes, List<Medium> media, int udpPort, Duration keepalive,
            Duration warntime, Duration deadtime, Duration initdead, boolean autoFailback, int garpCount,
            Duration garpInterval) {
        this(clusterName, nodes, media, udpPort, keepalive, warntime, deadtime, initdead, autoFailback, garpCount,
                garpInterval, FailoverPolicy.DEFAULT);
    }

    /** The ucast media, in ha.cf order (a view of {@link #media()}). */
    public List<UcastMedium> ucast() {
        return only(UcastMedium.class);
    }

    /** The bcast media, one per device, in ha.cf order. */
    public List<BcastMedium> bcast() {
        return only(BcastMedium.class);
    }

    /** The mcast media, in ha.cf order. */
    public List<McastMedium> mcast() {
        return only(McastMedium.class);
    }

    private <T extends Medium> List<T> only(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Medium m : media) {
            if (type.isInstance(m)) {
                out.add(type.cast(m));
            }
        }
        return List.copyOf(out);
    }

    /** The other node's name, seen from {@code self}. */
    public String peerOf(String self) {
        for (String n : nodes) {
            if (!n.equals(self)) {
                return n;
            }
        }
        throw new IllegalArgumentException("no peer of " + self + " in " + nodes);
    }
}
