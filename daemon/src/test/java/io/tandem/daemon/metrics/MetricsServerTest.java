package io.tandem.daemon.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.daemon.StatusSnapshot;
import io.tandem.daemon.director.DirectorView;
import io.tandem.failover.GroupState;
import io.tandem.failover.GroupView;
import io.tandem.failover.Transition;
import io.tandem.heartbeat.LinkStatus;
import io.tandem.lab.PrometheusParser;
import io.tandem.lab.PrometheusParser.Family;
import io.tandem.lab.PrometheusParser.Format;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The metrics endpoint over real HTTP on loopback, its output read by Prometheus' own parsers. */
@Timeout(60)
class MetricsServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final AtomicReference<CompletableFuture<StatusSnapshot>> status =
            new AtomicReference<>(CompletableFuture.completedFuture(status()));
    private final TransitionCounter transitions = new TransitionCounter();
    private final CheckCounter checks = new CheckCounter();
    private final AtomicReference<DirectorView.SyncView> sync = new AtomicReference<>();
    private final TandemCollector collector = new TandemCollector(() -> status.get(), () -> List.of(director(sync.get())),
            transitions, checks);
    private MetricsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static StatusSnapshot status() {
        Map<String, Long> heartbeat = new LinkedHashMap<>();
        heartbeat.put("received", 120L);
        heartbeat.put("accepted", 110L);
        heartbeat.put("sent", 130L);
        heartbeat.put("dropped.bad_mac", 7L);
        heartbeat.put("dropped.replayed", 3L);
        heartbeat.put("probes_sent", 2L);
        return new StatusSnapshot("d1", "active", false, 4, "d2", true, "alive", "heard", 12, 350, "198.51.100.2", true,
                List.of(new GroupView("web", "d1", GroupState.ACTIVE, 1_700_000_000_000L, "preferred node", true, false)),
                List.of(new StatusSnapshot.ResourceView("web", "198.51.100.10/25/eth0", true)),
                heartbeat, 2, List.of("d1", "d2"), 0, null,
                List.of(new LinkStatus("ucast eth0 198.51.100.2", true, 12, 1.5625, 420, 118, 8, 130, 0, 1)),
                1, 35);
    }

    static DirectorView director(DirectorView.SyncView sync) {
        DirectorView.RealView r1 = new DirectorView.RealView("198.51.100.21", 80, "DR", 1, 1, true, false, 2, 1, 0, 9,
                40, 0, 4_000, 0, DirectorView.Rates.ZERO, "up", "connected");
        DirectorView.RealView r2 = new DirectorView.RealView("198.51.100.22", 80, "DR", 0, 1, true, false, 0, 0, 0, 3,
                12, 0, 1_200, 0, DirectorView.Rates.ZERO, "down", "connect refused");
        return new DirectorView("director", "/etc/tandem/director.cf", true, 262_144, 5,
                List.of(new DirectorView.ServiceView("TCP", "198.51.100.10", 80, "rr", 0, 32, true, List.of(r1, r2))),
                sync);
    }

    private String start() throws IOException {
        server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), collector);
        return "http://127.0.0.1:" + server.address().getPort();
    }

    private static HttpResponse<String> get(String url, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeNodeGroupHeartbeatDirectorAndCheckFamiliesThatPrometheusParses() throws Exception {
        String base = start();
        transitions.accept(new Transition("web", GroupState.STANDBY, GroupState.STARTING, 1, 1, "peer dead"));
        transitions.accept(new Transition("web", GroupState.STARTING, GroupState.ACTIVE, 2, 2, "started"));

        HttpResponse<String> r = get(base + "/metrics", null);

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        Map<String, Family> f = PrometheusParser.parse(r.body(), Format.TEXT);
        assertEquals(1.0, f.get("tandem_node_state").value("tandem_node_state", "state", "active"));
        assertEquals(0.0, f.get("tandem_node_state").value("tandem_node_state", "state", "standby"));
        assertEquals(1.0, f.get("tandem_group_state").value("tandem_group_state", "group", "web", "state", "active"));
        assertEquals(0.0, f.get("tandem_group_state").value("tandem_group_state", "group", "web", "state", "failed"));
        assertEquals("counter", f.get("tandem_group_transitions").type());
        assertEquals(1.0, f.get("tandem_group_transitions").value("tandem_group_transitions_total",
                "group", "web", "from", "standby", "to", "starting"));
        assertEquals(0.35e-3, f.get("tandem_peer_round_trip_seconds").value("tandem_peer_round_trip_seconds"), 1e-9);
        assertEquals(7.0, f.get("tandem_heartbeat_rejected").value("tandem_heartbeat_rejected_total", "reason", "bad_mac"));
        assertEquals(120.0, f.get("tandem_heartbeat_datagrams").value("tandem_heartbeat_datagrams_total",
                "event", "received"));
        String link = "ucast eth0 198.51.100.2";
        assertEquals(118.0, f.get("tandem_heartbeat_link_received").value("tandem_heartbeat_link_received_total",
                "link", link));
        assertEquals(8.0, f.get("tandem_heartbeat_link_rejected").value("tandem_heartbeat_link_rejected_total",
                "link", link));
        assertEquals(0.015625, f.get("tandem_heartbeat_link_lost_ratio").value("tandem_heartbeat_link_lost_ratio",
                "link", link));
        assertEquals(420e-6, f.get("tandem_heartbeat_link_round_trip_seconds")
                .value("tandem_heartbeat_link_round_trip_seconds", "link", link), 1e-12);
        String[] r1 = {"director", "director", "virtual", "198.51.100.10:80/tcp", "real", "198.51.100.21:80"};
        String[] r2 = {"director", "director", "virtual", "198.51.100.10:80/tcp", "real", "198.51.100.22:80"};
        assertEquals(9.0, f.get("tandem_realserver_connections").value("tandem_realserver_connections_total", r1));
        assertEquals(1.0, f.get("tandem_realserver_up").value("tandem_realserver_up", r1));
        assertEquals(0.0, f.get("tandem_realserver_up").value("tandem_realserver_up", r2));
        assertEquals(4_000.0, f.get("tandem_realserver_bytes").value("tandem_realserver_bytes_total",
                "director", "director", "virtual", "198.51.100.10:80/tcp", "real", "198.51.100.21:80", "direction", "in"));
        assertEquals(12.0, f.get("tandem_virtual_service_connections").value("tandem_virtual_service_connections_total",
                "director", "director", "virtual", "198.51.100.10:80/tcp"));
        assertEquals(52.0, f.get("tandem_virtual_service_packets").value("tandem_virtual_service_packets_total",
                "director", "director", "virtual", "198.51.100.10:80/tcp", "direction", "in"));
        assertEquals(5.0, f.get("tandem_connection_table_entries").value("tandem_connection_table_entries",
                "director", "director"));
        assertEquals("histogram", f.get("tandem_gc_pause_seconds").type());
        assertFalse(f.containsKey("tandem_sync_lag_seconds"), "a director without sync has no sync family");
    }

    @Test
    void shouldServeOpenMetricsThatTheStrictParserAccepts() throws Exception {
        String base = start();
        transitions.accept(new Transition("web", GroupState.STANDBY, GroupState.STARTING, 1, 1, "peer dead"));
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("entries_sent", 42L);
        counters.put("lag_ms", 250L);
        counters.put("unacked", 3L);
        counters.put("dropped.bad_mac", 1L);
        sync.set(new DirectorView.SyncView("198.51.100.1:8848", "198.51.100.2:8848", true, counters));

        HttpResponse<String> r = get(base + "/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");

        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                r.headers().toString());
        Map<String, Family> f = PrometheusParser.parse(r.body(), Format.OPENMETRICS);
        assertEquals(0.25, f.get("tandem_sync_lag_seconds").value("tandem_sync_lag_seconds", "director", "director"));
        assertEquals(3.0, f.get("tandem_sync_unacked_datagrams").value("tandem_sync_unacked_datagrams",
                "director", "director"));
        assertEquals(1.0, f.get("tandem_sync_synchronised").value("tandem_sync_synchronised", "director", "director"));
        assertEquals(42.0, f.get("tandem_sync_events").value("tandem_sync_events_total",
                "director", "director", "event", "entries_sent"));
        assertEquals(1.0, f.get("tandem_sync_dropped").value("tandem_sync_dropped_total",
                "director", "director", "reason", "bad_mac"));
        assertEquals(1.0, f.get("tandem_node_state").value("tandem_node_state", "state", "active"));
    }

    @Test
    void shouldCountGarbageCollectionPauses() throws Exception {
        String base = start();

        System.gc();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Family gc = PrometheusParser.parse(get(base + "/metrics", null).body(), Format.TEXT).get("tandem_gc_pause_seconds");
            return gc.samples().stream().anyMatch(s -> s.name().equals("tandem_gc_pause_seconds_count") && s.value() >= 1);
        });
    }

    @Test
    void shouldLeaveOutTheFamiliesOfASourceThatFailsAndCountIt() throws Exception {
        String base = start();
        status.set(CompletableFuture.failedFuture(new IllegalStateException("core loop gone")));

        Map<String, Family> f = PrometheusParser.parse(get(base + "/metrics", null).body(), Format.TEXT);

        assertFalse(f.containsKey("tandem_node_state"));
        assertEquals(1.0, f.get("tandem_metrics_collect_errors").value("tandem_metrics_collect_errors_total",
                "source", "status"));
        assertEquals(9.0, f.get("tandem_realserver_connections").value("tandem_realserver_connections_total",
                "director", "director", "virtual", "198.51.100.10:80/tcp", "real", "198.51.100.21:80"));
    }

    @Test
    void shouldServeOnlyMetricsAndOnlyToGetOrHead() throws Exception {
        String base = start();

        for (String path : List.of("/", "/-/healthy", "/metrics/", "/metricsx", "/debug")) {
            assertEquals(404, get(base + path, null).statusCode(), path);
        }
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals(200, get(base + "/metrics", null).statusCode());
    }

    @Test
    void shouldStopListeningWhenClosed() throws Exception {
        String base = start();
        assertEquals(200, get(base + "/metrics", null).statusCode());

        server.close();
        server = null;

        assertThrows(ConnectException.class, () -> get(base + "/metrics", null));
    }

    @Test
    void shouldNameTheAddressItCannotBind() throws Exception {
        String base = start();
        InetSocketAddress taken = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.address().getPort());

        IOException e = assertThrows(IOException.class, () -> MetricsServer.start(taken, collector));

        assertTrue(e.getMessage().startsWith("ha.cf metrics_address 127.0.0.1:" + taken.getPort() + ": cannot listen: "),
                e.getMessage() + " " + base);
    }
}
