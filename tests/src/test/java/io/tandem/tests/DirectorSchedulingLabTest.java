package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import io.tandem.lab.LabHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The schedulers' promises kept through the real daemon, with real HTTP servers behind the VIP,
 * once with direct routing (real servers on the LAN, the VIP on their {@code lo}) and once with
 * NAT (real servers on the second link, their default route a second VIP the directors share):
 *
 * <pre>
 *   VIP:80    wrr  r1 weight 3, r2 weight 1   400 fetches, each a new connection: exactly 300 / 100
 *   VIP:8080  sh                              one client stays on one server
 *   VIP:8081  rr                              fetches alternate
 *   reload with r1 weight 0 on :80            new connections all go to r2, r1's open streams finish
 *   50 MB from VIP:80                         arrives with the right SHA-256
 * </pre>
 *
 * {@code tandemctl services} and {@code conns} are read along the way, as an operator would.
 */
@Timeout(240)
class DirectorSchedulingLabTest extends LabTestBase {
    private static final String GATEWAY_VIP = "198.51.100.140";
    private static final long BIG_BYTES = 50L * 1024 * 1024;

    @Test
    void directRoutingShouldKeepEverySchedulersPromise() throws Exception {
        String r1 = "198.51.100.21";
        String r2 = "198.51.100.22";
        lab.addRealServer("r1", r1);
        lab.addRealServer("r2", r2);
        lab.writeHaresources("d1 IPaddr2::" + DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX + "/eth0 director");
        scenario(r1, r2, "gate", "Route");
    }

    @Test
    void natShouldKeepEverySchedulersPromise() throws Exception {
        lab.close();
        lab = new DirectorLab(DirectorLab.findRepo(), lab.work(), timing()).withSecondLink().build();
        String r1 = "198.51.100.150";
        String r2 = "198.51.100.151";
        lab.addNatRealServer("r1", r1, GATEWAY_VIP);
        lab.addNatRealServer("r2", r2, GATEWAY_VIP);
        lab.writeHaresources("d1 IPaddr2::" + DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX + "/eth0 IPaddr2::"
                + GATEWAY_VIP + "/" + DirectorLab.LAN_PREFIX + "/eth1 director");
        scenario(r1, r2, "masq", "Masq");
    }

    private static String directorCf(String r1, String r2, String method, int r1Weight) {
        return String.join("\n",
                "checktimeout=3",
                "checkinterval=5",
                "virtual=" + DirectorLab.VIP + ":80",
                "\treal=" + r1 + ":80 " + method + " " + r1Weight,
                "\treal=" + r2 + ":80 " + method + " 1",
                "\tscheduler=wrr",
                "\tchecktype=on",
                "virtual=" + DirectorLab.VIP + ":8080",
                "\treal=" + r1 + ":8080 " + method,
                "\treal=" + r2 + ":8080 " + method,
                "\tscheduler=sh",
                "\tchecktype=on",
                "virtual=" + DirectorLab.VIP + ":8081",
                "\treal=" + r1 + ":8081 " + method,
                "\treal=" + r2 + ":8081 " + method,
                "\tscheduler=rr",
                "\tchecktype=on",
                "");
    }

    private void scenario(String r1, String r2, String method, String forwardColumn) throws Exception {
        lab.writeDirectorCf(directorCf(r1, r2, method, 3));
        startPair();
        String vip = "http://" + DirectorLab.VIP;
        await().atMost(WAIT).until(() -> lab.fetchManyFromClient(vip + ":8081/", 2).containsAll(List.of("r1", "r2")));

        // wrr 3:1: any 400 consecutive picks are 100 whole rounds of r1 r1 r1 r2.
        Map<String, Integer> counts = count(lab.fetchManyFromClient(vip + ":80/", 400));
        assertEquals(Map.of("r1", 300, "r2", 100), counts, "wrr 3:1 over 400 new connections");

        List<String> sticky = lab.fetchManyFromClient(vip + ":8080/", 20);
        assertEquals(1, new HashSet<>(sticky).size(), "sh keeps the client on one server: " + sticky);
        assertTrue(Set.of("r1", "r2").contains(sticky.get(0)), sticky.toString());

        List<String> alternating = lab.fetchManyFromClient(vip + ":8081/", 10);
        for (int i = 1; i < alternating.size(); i++) {
            assertTrue(Set.of("r1", "r2").contains(alternating.get(i)), "rr: " + alternating);
            assertTrue(!alternating.get(i).equals(alternating.get(i - 1)), "rr alternates: " + alternating);
        }

        JsonNode services = tandemctlJson("d1", "services", "--json");
        JsonNode wrr = services.path("directors").path(0).path("services").path(0);
        assertEquals("wrr", wrr.path("scheduler").asText());
        assertEquals(3, wrr.path("reals").path(0).path("weight").asInt());
        assertTrue(wrr.path("reals").path(0).path("connections").asLong() >= 300, wrr.toString());
        Exec.Result table = lab.tandemctl("d1", "services");
        assertEquals(0, table.exitCode(), table.stderr());
        assertTrue(table.stdout().lines().anyMatch(l -> l.matches("\\s+-> " + java.util.regex.Pattern.quote(r1 + ":80")
                        + "\\s+" + forwardColumn + "\\s+3\\s.*")),
                "ipvsadm-like listing:\n" + table.stdout());
        Exec.Result conns = lab.tandemctl("d1", "conns");
        assertTrue(conns.stdout().contains(DirectorLab.address("client") + ":"), "conns lists the client's:\n"
                + conns.stdout());

        weightZeroStopsNewConnectionsOnly(r1, r2, method);
        fiftyMegabytes();
    }

    /** Four slow streams on :80 (three land on r1), then r1 gets weight 0 by reload. */
    private void weightZeroStopsNewConnectionsOnly(String r1, String r2, String method) throws Exception {
        String url = "http://" + DirectorLab.VIP + ":80/slow?seconds=5";
        List<Process> streams = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path log = lab.work().resolve("stream-" + i + ".txt");
            logs.add(log);
            streams.add(lab.startClientCurl(log, "-s", "-N", "--max-time", "30", url));
        }
        // Each stream's first line names its server: wait until all four are open.
        await().atMost(WAIT).until(() -> logs.stream().allMatch(l -> firstLine(l) != null));
        long onR1 = logs.stream().filter(l -> "r1".equals(firstLine(l))).count();
        assertEquals(3, onR1, "wrr put three of the four streams on r1");

        // A broken file first: refused with file:line, nothing applied.
        lab.writeDirectorCf(directorCf(r1, r2, method, 0).replace("scheduler=rr", "scheduler=roundrobin"));
        Exec.Result broken = lab.tandemctl("d1", "reload");
        assertEquals(1, broken.exitCode(), broken.stdout() + broken.stderr());
        assertTrue((broken.stdout() + broken.stderr()).matches("(?s).*director\\.cf:\\d+: .*roundrobin.*"),
                "the refusal names file and line: " + broken.stdout() + broken.stderr());
        assertEquals(3, tandemctlJson("d1", "services", "--json").path("directors").path(0).path("services").path(0)
                .path("reals").path(0).path("weight").asInt(), "a refused reload changes nothing");

        lab.writeDirectorCf(directorCf(r1, r2, method, 0));
        for (String d : List.of("d1", "d2")) {
            Exec.Result reload = lab.tandemctl(d, "reload");
            assertEquals(0, reload.exitCode(), reload.stdout() + reload.stderr());
            assertTrue(reload.stdout().contains("weight 3 -> 0"), reload.stdout());
        }
        await().atMost(WAIT).until(() -> tandemctlJson("d1", "services", "--json").path("directors").path(0)
                .path("services").path(0).path("reals").path(0).path("weight").asInt() == 0);
        Map<String, Integer> after = count(lab.fetchManyFromClient("http://" + DirectorLab.VIP + ":80/", 20));
        assertEquals(Map.of("r2", 20), after, "weight 0 takes no new connection");

        for (int i = 0; i < streams.size(); i++) {
            assertTrue(streams.get(i).waitFor(30, TimeUnit.SECONDS), "stream " + i + " did not end");
            assertEquals(0, streams.get(i).exitValue(), "stream " + i + " failed: " + Files.readString(logs.get(i)));
            String body = Files.readString(logs.get(i));
            String server = body.lines().findFirst().orElse("");
            assertTrue(body.strip().endsWith(server + " done"), "stream " + i + " was cut short:\n" + body);
        }
    }

    private void fiftyMegabytes() throws Exception {
        Path file = lab.work().resolve("big.bin");
        Exec.Result r = lab.clientCurl(120_000, "-s", "--max-time", "100", "-o", file.toString(),
                "http://" + DirectorLab.VIP + ":80/big?bytes=" + BIG_BYTES);
        assertEquals(0, r.exitCode(), "download failed: " + r.stderr());
        assertEquals(BIG_BYTES, Files.size(file));
        assertArrayEquals(LabHttpServer.bigBodySha256(BIG_BYTES), LabHttpServer.sha256(file), "50 MB arrived altered");
        Files.delete(file);
    }

    private JsonNode tandemctlJson(String d, String... args) throws IOException {
        Exec.Result r = lab.tandemctl(d, args);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        return new ObjectMapper().readTree(r.stdout());
    }

    private static String firstLine(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log).lines().findFirst().orElse(null) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Map<String, Integer> count(List<String> names) {
        Map<String, Integer> counts = new HashMap<>();
        names.forEach(n -> counts.merge(n, 1, Integer::sum));
        return counts;
    }
}
