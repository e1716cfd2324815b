package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import io.tandem.lab.LabHttpServer;
import io.tandem.lab.PollerLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code tandemctl reload} on a working pair, while a client polls the VIP every 10 ms and 100
 * TCP connections stream through the director: a changed real-server weight, a new virtual
 * service and a new VIP (added to the group in haresources) take effect with no gap and no reset;
 * a broken file changes nothing and the command fails with file:line.
 */
@Timeout(180)
class DirectorReloadLabTest extends LabTestBase {
    private static final String VIP2 = "198.51.100.11";
    private static final String GROUP_LINE = "d1 IPaddr2::" + DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX + "/eth0";

    private static String directorCf(int r1Weight, boolean withNewService) {
        StringBuilder cf = new StringBuilder("checkinterval=2\nchecktimeout=2\n");
        cf.append("virtual=").append(DirectorLab.VIP).append(':').append(LabHttpServer.ECHO_PORT).append('\n')
                .append("\treal=198.51.100.21 gate\n\treal=198.51.100.22 gate\n\tscheduler=rr\n\tchecktype=connect\n");
        cf.append("virtual=").append(DirectorLab.VIP).append(":80\n")
                .append("\treal=198.51.100.21 gate ").append(r1Weight).append("\n\treal=198.51.100.22 gate 1\n")
                .append("\tscheduler=wrr\n\tchecktype=connect\n");
        if (withNewService) {
            cf.append("virtual=").append(VIP2).append(":8080\n")
                    .append("\treal=198.51.100.21 gate\n\treal=198.51.100.22 gate\n\tscheduler=rr\n")
                    .append("\tservice=http\n\trequest=\"/\"\n\treceive=\"r\"\n\tchecktype=negotiate\n");
        }
        return cf.toString();
    }

    @Test
    void reloadShouldApplyAWeightANewServiceAndANewVipWithoutAGapOrAReset() throws Exception {
        lab.addRealServer("r1", "198.51.100.21");
        lab.addRealServer("r2", "198.51.100.22");
        for (String r : List.of("r1", "r2")) {
            lab.net().ip(r, "addr", "add", VIP2 + "/32", "dev", "lo");
        }
        lab.writeHaresources(GROUP_LINE + " director");
        lab.writeDirectorCf(directorCf(1, false));
        startPair();
        PollerLog poller = lab.startPoller(10, 90);
        await().atMost(WAIT).until(() -> "d1".equals(poller.lastName()));
        Path streams = lab.work().resolve("streams.log");
        Process client = lab.startStreamClient(streams, 100, 20, 20);
        await().atMost(WAIT).until(() -> DirectorLab.streamStarted(streams));

        // A broken director.cf: refused with file:line on both nodes, nothing changes.
        lab.writeDirectorCf(directorCf(3, true).replace("scheduler=wrr", "scheduler=weighted"));
        for (String d : List.of("d1", "d2")) {
            Exec.Result broken = lab.tandemctl(d, "reload");
            assertEquals(1, broken.exitCode(), broken.stdout() + broken.stderr());
            assertTrue((broken.stdout() + broken.stderr()).matches("(?s).*director\\.cf:\\d+: .*weighted.*"),
                    broken.stdout() + broken.stderr());
        }
        assertEquals(2, services("d1").size(), "the refused reload added nothing");

        int before = poller.size();
        lab.writeHaresources(GROUP_LINE + " IPaddr2::" + VIP2 + "/" + DirectorLab.LAN_PREFIX + "/eth0 director");
        lab.writeDirectorCf(directorCf(3, true));
        for (String d : List.of("d1", "d2")) {
            Exec.Result ok = lab.tandemctl(d, "reload");
            assertEquals(0, ok.exitCode(), ok.stdout() + ok.stderr());
            assertTrue(ok.stdout().contains("weight 1 -> 3") && ok.stdout().contains("added"), ok.stdout());
        }
        assertTrue(lab.net().ip("d1", "-o", "addr", "show", "dev", "eth0").stdout().contains(" " + VIP2 + "/"),
                "d1 holds the group, so the new VIP is up there");
        JsonNode list = services("d1");
        assertEquals(3, list.size());
        assertEquals(3, list.path(1).path("reals").path(0).path("weight").asInt());
        await().atMost(WAIT).until(() -> Set.of("r1", "r2").containsAll(
                lab.fetchManyFromClient("http://" + VIP2 + ":8080/", 2)));

        assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the stream client did not finish");
        DirectorLab.StreamResult r = DirectorLab.streamResult(streams);
        assertNotNull(r);
        assertEquals(0, r.errors(), "no connection may be reset by a reload: " + r);
        assertTrue(r.maxStallMillis() < 1_000, "no connection stalls across a reload: " + r);
        long longestSilence = 0;
        List<PollerLog.Reply> replies = poller.replies();
        for (int i = Math.max(1, before); i < replies.size(); i++) {
            longestSilence = Math.max(longestSilence, replies.get(i).millis() - replies.get(i - 1).millis());
            assertEquals("d1", replies.get(i).name(), "nothing moved");
        }
        assertTrue(longestSilence < 200, "the VIP never went quiet across the reloads: " + longestSilence + " ms");
    }

    private JsonNode services(String d) throws IOException {
        Exec.Result r = lab.tandemctl(d, "services", "--json");
        return new ObjectMapper().readTree(r.stdout()).path("directors").path(0).path("services");
    }
}
