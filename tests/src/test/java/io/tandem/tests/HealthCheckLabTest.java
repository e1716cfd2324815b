package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Health checks through the real daemon against real HTTP servers: ldirectord's negotiate check
 * (GET /, expect the server's name) every second, failurecount 2, on both directors.
 *
 * <pre>
 *   stop r1's HTTP server   -&gt; within checkinterval x failurecount + 1 s = 3 s r1 is down on both
 *                              directors and no new connection goes to it
 *   start it again          -&gt; back after one good check (rise 1)
 *   stop both               -&gt; the fallback server ("sorry") answers
 * </pre>
 */
@Timeout(180)
class HealthCheckLabTest extends LabTestBase {
    private static final String R1 = "198.51.100.21";
    private static final Duration DOWN_WITHIN = Duration.ofSeconds(1L * 2 + 1);

    @Test
    void shouldStopSendingToADeadServerAndFallBackWhenAllAreDead() throws Exception {
        lab.addRealServer("r1", R1);
        lab.addRealServer("r2", "198.51.100.22");
        lab.addRealServer("sorry", "198.51.100.23");
        lab.writeHaresources("d1 IPaddr2::" + DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX + "/eth0 director");
        lab.writeDirectorCf(String.join("\n",
                "checkinterval=1",
                "checktimeout=1",
                "negotiatetimeout=1",
                "failurecount=2",
                "quiescent=yes",
                "virtual=" + DirectorLab.VIP + ":80",
                "\treal=" + R1 + ":80 gate",
                "\treal=198.51.100.22:80 gate",
                "\tfallback=198.51.100.23:80 gate",
                "\tservice=http",
                "\trequest=\"/\"",
                "\treceive=\"r\"",
                "\tchecktype=negotiate",
                "\tscheduler=rr",
                ""));
        startPair();
        String url = "http://" + DirectorLab.VIP + "/";
        await().atMost(WAIT).until(() -> new HashSet<>(lab.fetchManyFromClient(url, 4)).equals(Set.of("r1", "r2")));
        assertEquals("up", health("d2", R1), "the standby checks too");

        lab.stopHttp("r1");
        long stoppedNs = System.nanoTime();
        await().atMost(DOWN_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> "down".equals(health("d1", R1)));
        long downAfterMs = (System.nanoTime() - stoppedNs) / 1_000_000;
        List<String> afterStop = lab.fetchManyFromClient(url, 10);
        assertEquals(List.of("r2"), List.copyOf(new HashSet<>(afterStop)),
                "r1 went down " + downAfterMs + " ms after its server stopped; no new connection may reach it: " + afterStop);
        await().atMost(DOWN_WITHIN).until(() -> "down".equals(health("d2", R1)));
        Exec.Result listing = lab.tandemctl("d1", "services");
        assertTrue(listing.stdout().contains("down: "), "services says why r1 is down:\n" + listing.stdout());

        lab.startHttp("r1");
        await().atMost(WAIT).until(() -> "up".equals(health("d1", R1)));
        await().atMost(WAIT).until(() -> lab.fetchManyFromClient(url, 4).contains("r1"));

        lab.stopHttp("r1");
        lab.stopHttp("r2");
        await().atMost(WAIT).until(() -> lab.fetchManyFromClient(url, 2).equals(List.of("sorry", "sorry")));
    }

    /** The health the daemon on {@code d} reports for real server {@code address}:80. */
    private String health(String d, String address) throws IOException {
        Exec.Result r = lab.tandemctl(d, "services", "--json");
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        for (JsonNode real : root.path("directors").path(0).path("services").path(0).path("reals")) {
            if (real.path("address").asText().equals(address)) {
                return real.path("health").asText();
            }
        }
        return "missing";
    }
}
