package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import io.tandem.lab.PrometheusParser;
import io.tandem.lab.PrometheusParser.Family;
import io.tandem.lab.PrometheusParser.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Operator plumbing end to end, through the real daemons: the metrics endpoint of ha.cf's
 * {@code metrics_address}, scraped with curl inside a director and read by Prometheus' own
 * parsers, and {@code tandemctl garp}, whose gratuitous ARPs tcpdump sees arrive at the client.
 */
@Timeout(180)
class MetricsLabTest extends LabTestBase {
    private static final String METRICS_URL = "http://127.0.0.1:9694/metrics";
    private static final String R1 = "198.51.100.21:80";
    private static final String R2 = "198.51.100.22:80";
    private static final String VIRTUAL = DirectorLab.VIP + ":80/tcp";
    /** Two daemon JVMs, two real servers and the client share 2 cores: a start may take long on a busy host. */
    private static final Duration START = Duration.ofSeconds(60);
    /** tcpdump filter: ARP requests whose sender and target address are both the VIP (198.51.100.10). */
    private static final String GARP_FILTER = "arp[6:2] == 1 and arp[14:4] == 0xc633640a and arp[24:4] == 0xc633640a";

    private void startDirectorPair() throws Exception {
        lab.addRealServer("r1", "198.51.100.21");
        lab.addRealServer("r2", "198.51.100.22");
        lab.appendHaCf("metrics_address 127.0.0.1:9694");
        lab.writeHaresources("d1 IPaddr2::" + DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX + "/eth0 director");
        lab.writeDirectorCf(String.join("\n",
                "checktimeout=2",
                "checkinterval=1",
                "quiescent=yes",
                "virtual=" + DirectorLab.VIP + ":80",
                "\treal=198.51.100.21:80 gate",
                "\treal=198.51.100.22:80 gate",
                "\tscheduler=rr",
                "\tprotocol=tcp",
                "\tchecktype=connect",
                ""));
        startPairPatiently();
        await().atMost(WAIT).until(() -> lab.fetchFromClient() != null);
    }

    /** {@link #startPair()}, waiting up to {@link #START} for d1 active and d2 standby. */
    private void startPairPatiently() {
        lab.startDaemon("d1");
        lab.startDaemon("d2");
        await().atMost(START).ignoreExceptions().until(() -> state("d1").equals("active") && state("d2").equals("standby"));
        await().atMost(WAIT).until(() -> lab.kernelHasVip("d1"));
    }

    /** Scrapes {@code d}'s endpoint from inside {@code d}; the exposition is kept in the lab's work dir. */
    private Map<String, Family> scrape(String d, Format format) throws java.io.IOException {
        List<String> curl = new java.util.ArrayList<>(List.of("curl", "-sS", "--fail", "--max-time", "10"));
        if (format == Format.OPENMETRICS) {
            curl.addAll(List.of("-H", "Accept: application/openmetrics-text; version=1.0.0; charset=utf-8"));
        }
        curl.add(METRICS_URL);
        Exec.Result r = lab.net().exec(d, 20_000, curl.toArray(String[]::new));
        assertEquals(0, r.exitCode(), "curl " + METRICS_URL + " in " + d + ": " + r.stderr());
        Files.writeString(lab.work().resolve(d + "-metrics-" + format.name().toLowerCase(java.util.Locale.ROOT) + ".txt"),
                r.stdout());
        return PrometheusParser.parse(r.stdout(), format);
    }

    @Test
    void metricsShouldShowStatesHeartbeatsChecksAndRealServerTrafficAndGarpShouldReachTheClient() throws Exception {
        startDirectorPair();
        List<String> answers = lab.fetchManyFromClient("http://" + DirectorLab.VIP + "/", 6);
        assertTrue(answers.containsAll(List.of("r1", "r2")), "rr through d1: " + answers);

        Map<String, Family> d1 = scrape("d1", Format.TEXT);
        String group = lab.status("d1").path("groups").get(0).path("name").asText();
        assertEquals(1.0, d1.get("tandem_node_state").value("tandem_node_state", "state", "active"));
        assertEquals(1.0, d1.get("tandem_group_state").value("tandem_group_state", "group", group, "state", "active"));
        assertEquals(1.0, d1.get("tandem_peer_alive").value("tandem_peer_alive"));
        assertTrue(d1.get("tandem_group_transitions").value("tandem_group_transitions_total",
                "group", group, "from", "starting", "to", "active") >= 1, d1.get("tandem_group_transitions").toString());
        String link = "ucast eth0 198.51.100.2";
        assertTrue(d1.get("tandem_heartbeat_link_received").value("tandem_heartbeat_link_received_total", "link", link) > 0,
                d1.get("tandem_heartbeat_link_received").toString());
        assertEquals(1.0, d1.get("tandem_heartbeat_link_up").value("tandem_heartbeat_link_up", "link", link));
        assertTrue(d1.containsKey("tandem_heartbeat_rejected"), d1.keySet().toString());
        String[] r1 = {"director", "director", "virtual", VIRTUAL, "real", R1};
        String[] r2 = {"director", "director", "virtual", VIRTUAL, "real", R2};
        double r1Connections = d1.get("tandem_realserver_connections").value("tandem_realserver_connections_total", r1);
        double r2Connections = d1.get("tandem_realserver_connections").value("tandem_realserver_connections_total", r2);
        long served = answers.stream().filter(a -> a.equals("r1") || a.equals("r2")).count();
        assertTrue(r1Connections >= answers.stream().filter("r1"::equals).count() && r2Connections >= 1
                && r1Connections + r2Connections >= served, r1Connections + " + " + r2Connections + " for " + answers);
        assertTrue(d1.get("tandem_realserver_packets").value("tandem_realserver_packets_total",
                "director", "director", "virtual", VIRTUAL, "real", R1, "direction", "in") > r1Connections);
        assertEquals(1.0, d1.get("tandem_realserver_up").value("tandem_realserver_up", r1));
        assertEquals(1.0, d1.get("tandem_director_forwarding").value("tandem_director_forwarding", "director", "director"));
        assertTrue(d1.get("tandem_health_checks").value("tandem_health_checks_total",
                "virtual", VIRTUAL, "real", R2, "result", "ok") >= 1, d1.get("tandem_health_checks").toString());
        assertEquals("histogram", d1.get("tandem_gc_pause_seconds").type());
        assertTrue(d1.get("tandem_sync_events").value("tandem_sync_events_total",
                "director", "director", "event", "datagrams_sent") >= 0, d1.keySet().toString());
        assertTrue(d1.containsKey("tandem_sync_lag_seconds"), d1.keySet().toString());

        Map<String, Family> d2 = scrape("d2", Format.OPENMETRICS);
        assertEquals(1.0, d2.get("tandem_node_state").value("tandem_node_state", "state", "standby"));
        assertEquals(0.0, d2.get("tandem_director_forwarding").value("tandem_director_forwarding", "director", "director"));

        String listening = lab.net().exec("d1", 10_000, "ss", "-Hltn", "sport = :9694").orThrow().stdout();
        assertEquals(1, listening.strip().lines().count(), listening);
        // Java's sockets are dual-stack: ss shows the IPv4 address as [::ffff:127.0.0.1].
        assertTrue(listening.contains(" 127.0.0.1:9694 ") || listening.contains(" [::ffff:127.0.0.1]:9694 "),
                "bound to the configured address only: " + listening);

        // tandemctl garp: 5 gratuitous ARPs (garp_count) 200 ms apart. The periodic refresh sends one
        // every 5 s, so 5 inside tcpdump's 10 s can only come from the command.
        Path capture = lab.work().resolve("client-garp.log");
        Process tcpdump = lab.net().spawn("client", capture, List.of("timeout", "10", "tcpdump", "-l", "-n", "-e",
                "-i", "eth0", "-c", "5", GARP_FILTER));
        await().atMost(WAIT).until(() -> Files.exists(capture) && Files.readString(capture).contains("listening on eth0"));
        Exec.Result garp = lab.tandemctl("d1", "garp");
        assertEquals(0, garp.exitCode(), garp.stdout() + garp.stderr());
        assertTrue(garp.stdout().contains("d1 announces [" + DirectorLab.VIP), garp.stdout());
        await().atMost(Duration.ofSeconds(20)).until(() -> !tcpdump.isAlive());
        List<String> frames = Files.readAllLines(capture).stream().filter(l -> l.contains("ARP")).toList();
        assertEquals(0, tcpdump.exitValue(), "tcpdump saw fewer than 5 announcements in 10 s: " + frames);
        assertEquals(5, frames.size(), frames.toString());
        for (String frame : frames) {
            assertTrue(frame.startsWith(lab.mac("d1")) || frame.contains(" " + lab.mac("d1") + " "),
                    "announced with d1's MAC: " + frame);
        }
    }

    @Test
    void garpShouldRefuseAVipThisNodeDoesNotHold() throws Exception {
        startPairPatiently();

        Exec.Result other = lab.tandemctl("d1", "garp", "198.51.100.99");
        Exec.Result standby = lab.tandemctl("d2", "garp");
        Exec.Result notHeldHere = lab.tandemctl("d2", "garp", DirectorLab.VIP);
        Exec.Result notAnAddress = lab.tandemctl("d1", "garp", "www.example.org");

        assertEquals(1, other.exitCode());
        assertEquals("tandemctl: 198.51.100.99 is not a VIP of this cluster; d1 holds [" + DirectorLab.VIP + "]",
                other.stderr().strip());
        assertEquals(1, standby.exitCode());
        assertEquals("tandemctl: d2 holds no VIP (state standby); run garp on the node that holds them",
                standby.stderr().strip());
        assertEquals(1, notHeldHere.exitCode());
        assertTrue(notHeldHere.stderr().contains("VIP " + DirectorLab.VIP + " belongs to group "), notHeldHere.stderr());
        assertEquals(2, notAnAddress.exitCode());
        String listening = lab.net().exec("d1", 10_000, "ss", "-Hltn", "sport = :9694").orThrow().stdout();
        assertEquals("", listening.strip(), "no metrics_address, no metrics listener");
    }
}
