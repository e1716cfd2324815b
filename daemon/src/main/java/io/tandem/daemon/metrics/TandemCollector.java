package io.tandem.daemon.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tandem.daemon.StatusSnapshot;
import io.tandem.daemon.director.DirectorView;
import io.tandem.failover.GroupState;
import io.tandem.failover.GroupView;
import io.tandem.heartbeat.LinkStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds tandemd's metric families at each scrape, from the same pictures {@code tandemctl}
 * shows: the node's {@link StatusSnapshot} (taken on the core loop), every director's
 * {@link DirectorView} (with its connection-sync stream's counters), and the transition and
 * health-check counters. Nothing is sampled between scrapes. A source that fails or does not answer within
 * {@link #STATUS_TIMEOUT_MILLIS} leaves its families out of that scrape and counts
 * {@code tandem_metrics_collect_errors_total{source}}; the rest is still served.
 *
 * <p>Runs on the scrape thread; the sources it reads are each safe to read from there.
 */
public final class TandemCollector implements MultiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(TandemCollector.class);
    static final long STATUS_TIMEOUT_MILLIS = 2_000;
    private static final String DROPPED_PREFIX = "dropped.";
    private static final String SYNC_LAG_MS = "lag_ms";
    private static final String SYNC_UNACKED = "unacked";
    private static final List<String> NODE_STATES = List.of("starting", "standby", "active", "transition", "fault");

    private final Supplier<CompletableFuture<StatusSnapshot>> status;
    private final Supplier<List<DirectorView>> directors;
    private final TransitionCounter transitions;
    private final CheckCounter checks;
    private final LongAdder statusErrors = new LongAdder();
    private final LongAdder directorErrors = new LongAdder();

    /**
     * @param status      this node's status, e.g. {@code ClusterNode::status}
     * @param directors   every director resource's view, read on the scrape thread
     * @param transitions fed with every group transition
     * @param checks      wraps the health checks' probe selector
     */
    public TandemCollector(Supplier<CompletableFuture<StatusSnapshot>> status, Supplier<List<DirectorView>> directors,
            TransitionCounter transitions, CheckCounter checks) {
        this.status = status;
        this.directors = directors;
        this.transitions = transitions;
        this.checks = checks;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        StatusSnapshot s = null;
        try {
            s = status.get().get(STATUS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            statusErrors.increment();
            LOG.warn("metrics: node status not available for this scrape: {}", e.toString());
        }
        if (s != null) {
            node(s, out);
            heartbeat(s, out);
        }
        transitions(out);
        try {
            director(directors.get(), out);
        } catch (RuntimeException e) {
            directorErrors.increment();
            LOG.warn("metrics: director numbers not available for this scrape: {}", e.toString());
        }
        checks(out);
        Family.counter("tandem_metrics_collect_errors", "Scrapes that had to leave a source's families out")
                .point(statusErrors.sum(), "source", "status")
                .point(directorErrors.sum(), "source", "director")
                .addTo(out);
        return new MetricSnapshots(out);
    }

    private static void node(StatusSnapshot s, List<MetricSnapshot> out) {
        Family.gauge("tandem_node_info", "This node and its peer (always 1)")
                .point(1, "node", s.node(), "peer", s.peerName()).addTo(out);
        Family state = Family.gauge("tandem_node_state", "This node's state: 1 for the current one, 0 for the others");
        for (String st : NODE_STATES) {
            state.point(st.equals(s.state()), "state", st);
        }
        state.addTo(out);
        Family.gauge("tandem_node_generation", "Boot counter of this node (kept on disk)")
                .point(s.generation()).addTo(out);
        Family.gauge("tandem_maintenance", "1 while maintenance mode freezes the pair").point(s.maintenance()).addTo(out);
        Family.gauge("tandem_peer_alive", "1 while the peer is heard within deadtime").point(s.peerAlive()).addTo(out);
        Family.gauge("tandem_peer_config_matches", "1 while the peer's ha.cf/haresources digest equals ours")
                .point(s.peerConfigMatches()).addTo(out);
        if (s.peerLastHeardMillisAgo() >= 0) {
            Family.gauge("tandem_peer_last_heard_seconds", "Time since the last valid heartbeat from the peer")
                    .point(s.peerLastHeardMillisAgo() / 1e3).addTo(out);
        }
        if (s.peerRoundTripMicros() >= 0) {
            Family.gauge("tandem_peer_round_trip_seconds", "Last heartbeat round trip to the peer (any link)")
                    .point(s.peerRoundTripMicros() / 1e6).addTo(out);
        }
        Family group = Family.gauge("tandem_group_state", "Each resource group's state here: 1 for the current one");
        Family since = Family.gauge("tandem_group_state_since_timestamp_seconds",
                "When each group entered its current state (Unix time)");
        for (GroupView g : s.groups()) {
            for (GroupState st : GroupState.values()) {
                group.point(g.state() == st, "group", g.name(), "state", st.label());
            }
            since.point(g.sinceEpochMillis() / 1e3, "group", g.name());
        }
        group.addTo(out);
        since.addTo(out);
        Family held = Family.gauge("tandem_resource_running", "1 while a resource of a group runs on this node");
        for (StatusSnapshot.ResourceView r : s.resources()) {
            held.point(r.held(), "group", r.group(), "resource", r.resource());
        }
        held.addTo(out);
        Family.gauge("tandem_membership_members", "Members in the JGroups view").point(s.members().size()).addTo(out);
        Family.counter("tandem_membership_rejected", "Membership messages rejected")
                .point(s.membershipRejected()).addTo(out);
        Family.counter("tandem_stalls", "Times this daemon noticed it had been paused (not the peer's fault)")
                .point(s.stalls()).addTo(out);
        Family.gauge("tandem_longest_stall_seconds", "Longest pause of this daemon seen since start")
                .point(s.longestStallMillis() / 1e3).addTo(out);
    }

    private static void heartbeat(StatusSnapshot s, List<MetricSnapshot> out) {
        Family events = Family.counter("tandem_heartbeat_datagrams",
                "Heartbeat datagrams by what happened to them (received = accepted + copies + rejected)");
        Family rejected = Family.counter("tandem_heartbeat_rejected", "Received heartbeat datagrams dropped, by reason");
        for (Map.Entry<String, Long> e : s.heartbeat().entrySet()) {
            if (e.getKey().startsWith(DROPPED_PREFIX)) {
                rejected.point(e.getValue(), "reason", e.getKey().substring(DROPPED_PREFIX.length()));
            } else {
                events.point(e.getValue(), "event", e.getKey());
            }
        }
        events.addTo(out);
        rejected.addTo(out);
        Family up = Family.gauge("tandem_heartbeat_link_up", "1 while the peer is heard on this link within deadtime");
        Family received = Family.counter("tandem_heartbeat_link_received", "Datagrams that arrived on this link");
        Family dropped = Family.counter("tandem_heartbeat_link_rejected", "Of those, dropped (bad MAC, replayed, ...)");
        Family sent = Family.counter("tandem_heartbeat_link_sent", "Datagrams this node sent on this link");
        Family sendErrors = Family.counter("tandem_heartbeat_link_send_errors", "Datagrams that could not be sent");
        Family downs = Family.counter("tandem_heartbeat_link_downs", "Times this link went down after being up");
        Family lost = Family.gauge("tandem_heartbeat_link_lost_ratio",
                "Of the peer's last 64 heartbeats, the share that did not arrive on this link");
        Family rtt = Family.gauge("tandem_heartbeat_link_round_trip_seconds", "Smoothed heartbeat round trip on this link");
        for (LinkStatus l : s.links()) {
            up.point(l.up(), "link", l.name());
            received.point(l.received(), "link", l.name());
            dropped.point(l.dropped(), "link", l.name());
            sent.point(l.sent(), "link", l.name());
            sendErrors.point(l.sendErrors(), "link", l.name());
            downs.point(l.downs(), "link", l.name());
            if (l.lossPercent() >= 0) {
                lost.point(l.lossPercent() / 100, "link", l.name());
            }
            if (l.rttMicros() >= 0) {
                rtt.point(l.rttMicros() / 1e6, "link", l.name());
            }
        }
        for (Family f : List.of(up, received, dropped, sent, sendErrors, downs, lost, rtt)) {
            f.addTo(out);
        }
    }

    private void transitions(List<MetricSnapshot> out) {
        Family f = Family.counter("tandem_group_transitions", "Group state changes on this node since start");
        transitions.snapshot().forEach((k, n) ->
                f.point(n, "group", k.group(), "from", k.from().label(), "to", k.to().label()));
        f.addTo(out);
    }

    private static void director(List<DirectorView> views, List<MetricSnapshot> out) {
        Family forwarding = Family.gauge("tandem_director_forwarding", "1 while this node forwards for the director");
        Family entries = Family.gauge("tandem_connection_table_entries", "Connection entries (and templates) in use");
        Family capacity = Family.gauge("tandem_connection_table_capacity", "Connection table capacity");
        Family vsConns = Family.counter("tandem_virtual_service_connections", "Connections scheduled for the service");
        Family vsPackets = Family.counter("tandem_virtual_service_packets", "Packets forwarded for the service");
        Family vsBytes = Family.counter("tandem_virtual_service_bytes", "Bytes forwarded for the service");
        Family vsActive = Family.gauge("tandem_virtual_service_active_connections", "Established connections");
        Family weight = Family.gauge("tandem_realserver_weight", "Weight the scheduler uses now (0: quiescent)");
        Family active = Family.gauge("tandem_realserver_active_connections", "Established connections");
        Family inactive = Family.gauge("tandem_realserver_inactive_connections", "Connections in other states");
        Family conns = Family.counter("tandem_realserver_connections", "Connections scheduled to the real server");
        Family packets = Family.counter("tandem_realserver_packets", "Packets forwarded, by direction");
        Family bytes = Family.counter("tandem_realserver_bytes", "Bytes forwarded, by direction");
        Family up = Family.gauge("tandem_realserver_up",
                "1 while the real server takes traffic by its health checks (or has none), 0 while down");
        for (DirectorView d : views) {
            forwarding.point(d.forwarding(), "director", d.name());
            entries.point(d.size(), "director", d.name());
            capacity.point(d.capacity(), "director", d.name());
            for (DirectorView.ServiceView s : d.services()) {
                String virtual = hostPort(s.address(), s.port()) + "/" + s.protocol().toLowerCase(Locale.ROOT);
                long c = 0;
                long in = 0;
                long outPackets = 0;
                long inBytes = 0;
                long outBytes = 0;
                long established = 0;
                for (DirectorView.RealView r : s.reals()) {
                    String real = hostPort(r.address(), r.port());
                    String[] labels = {"director", d.name(), "virtual", virtual, "real", real};
                    weight.point(r.weight(), labels);
                    active.point(r.activeConnections(), labels);
                    inactive.point(r.inactiveConnections(), labels);
                    conns.point(r.connections(), labels);
                    packets.point(r.inPackets(), with(labels, "direction", "in"));
                    packets.point(r.outPackets(), with(labels, "direction", "out"));
                    bytes.point(r.inBytes(), with(labels, "direction", "in"));
                    bytes.point(r.outBytes(), with(labels, "direction", "out"));
                    if (!r.fallback()) {
                        up.point(!r.health().equals("down"), labels);
                    }
                    c += r.connections();
                    in += r.inPackets();
                    outPackets += r.outPackets();
                    inBytes += r.inBytes();
                    outBytes += r.outBytes();
                    established += r.activeConnections();
                }
                String[] labels = {"director", d.name(), "virtual", virtual};
                vsConns.point(c, labels);
                vsPackets.point(in, with(labels, "direction", "in"));
                vsPackets.point(outPackets, with(labels, "direction", "out"));
                vsBytes.point(inBytes, with(labels, "direction", "in"));
                vsBytes.point(outBytes, with(labels, "direction", "out"));
                vsActive.point(established, labels);
            }
        }
        for (Family f : List.of(forwarding, entries, capacity, vsConns, vsPackets, vsBytes, vsActive, weight, active,
                inactive, conns, packets, bytes, up)) {
            f.addTo(out);
        }
        sync(views, out);
    }

    private void checks(List<MetricSnapshot> out) {
        Family f = Family.counter("tandem_health_checks",
                "Health checks by result: ok, failed, cancelled (timed out, or abandoned on reload/stop)");
        checks.snapshot().forEach((k, c) -> {
            f.point(c.ok(), "virtual", k.virtual(), "real", k.real(), "result", "ok");
            f.point(c.failed(), "virtual", k.virtual(), "real", k.real(), "result", "failed");
            f.point(c.cancelled(), "virtual", k.virtual(), "real", k.real(), "result", "cancelled");
        });
        f.addTo(out);
    }

    /**
     * The connection-sync stream of each director that has one ({@code SyncCounters.snapshot}'s
     * names: counters, then {@code lag_ms}, {@code unacked} and {@code dropped.REASON}).
     */
    private static void sync(List<DirectorView> views, List<MetricSnapshot> out) {
        Family synchronised = Family.gauge("tandem_sync_synchronised", "1 once the peer's full connection dump arrived");
        Family lag = Family.gauge("tandem_sync_lag_seconds", "Age of the oldest sync datagram the peer has not acknowledged");
        Family unacked = Family.gauge("tandem_sync_unacked_datagrams", "Sync datagrams sent and not yet acknowledged");
        Family events = Family.counter("tandem_sync_events", "Connection-sync counters, by name");
        Family dropped = Family.counter("tandem_sync_dropped", "Received sync datagrams dropped, by reason");
        for (DirectorView d : views) {
            DirectorView.SyncView s = d.sync();
            if (s == null) {
                continue;
            }
            synchronised.point(s.synchronised(), "director", d.name());
            new java.util.TreeMap<>(s.counters()).forEach((name, n) -> {
                if (name.equals(SYNC_LAG_MS)) {
                    lag.point(n / 1e3, "director", d.name());
                } else if (name.equals(SYNC_UNACKED)) {
                    unacked.point(n, "director", d.name());
                } else if (name.startsWith(DROPPED_PREFIX)) {
                    dropped.point(n, "director", d.name(), "reason", name.substring(DROPPED_PREFIX.length()));
                } else {
                    events.point(n, "director", d.name(), "event", name);
                }
            });
        }
        for (Family f : List.of(synchronised, lag, unacked, events, dropped)) {
            f.addTo(out);
        }
    }

    private static String[] with(String[] labels, String name, String value) {
        String[] out = java.util.Arrays.copyOf(labels, labels.length + 2);
        out[labels.length] = name;
        out[labels.length + 1] = value;
        return out;
    }

    /** {@code 198.51.100.10:80}, or {@code [2001:db8::10]:80}: as the health checks name servers. */
    static String hostPort(String address, int port) {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
