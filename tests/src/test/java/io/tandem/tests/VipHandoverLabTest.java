package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.lab.Exec;
import io.tandem.lab.PollerLog;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two real tandemd processes in network namespaces hand a VIP over while a client polls it every
 * 10 ms. keepalive 50ms, deadtime 250ms.
 */
@Timeout(120)
class VipHandoverLabTest extends LabTestBase {
    private PollerLog poller;

    @BeforeEach
    void startPairAndClient() {
        startPair();
        poller = lab.startPoller(10, 100);
        await().atMost(WAIT).until(() -> "d1".equals(poller.lastName()));
    }

    @Test
    void shouldMoveVipToSurvivorWhenActiveDirectorLosesItsLink() throws IOException {
        int mark = poller.size();
        lab.setLink("d1", false);

        await().atMost(WAIT).until(() -> poller.answeredSince(mark, "d2"));
        long gap = poller.gapMillisUntilFirst("d2", mark);
        System.out.println("link cut: client-visible gap " + gap + " ms");
        assertTrue(gap < 600, "client saw no answer for " + gap + " ms while the VIP moved (limit 600 ms)");
        assertEquals(lab.mac("d2"), lab.clientNeighbourMac(), "the client's neighbour entry for the VIP must point at d2");
        assertTrue(lab.kernelHasVip("d2"));

        JsonNode s = lab.status("d2");
        assertEquals("active", s.path("state").asText());
        assertEquals(false, s.path("peer").path("alive").asBoolean());
        assertTrue(s.path("groups").get(0).path("reason").asText().contains("no heartbeat from d1"),
                s.path("groups").get(0).toString());
    }

    @Test
    void takeoverAndStandbyShouldMoveVipWithoutWaitingForDeadtime() throws IOException {
        int mark = poller.size();
        Exec.Result takeover = lab.tandemctl("d2", "takeover");
        assertEquals(0, takeover.exitCode(), takeover.stdout() + takeover.stderr());

        await().atMost(WAIT).until(() -> poller.answeredSince(mark, "d2"));
        long gap = poller.gapMillisUntilFirst("d2", mark);
        System.out.println("takeover: client-visible gap " + gap + " ms");
        assertTrue(gap < 100, "takeover: client saw no answer for " + gap + " ms (limit 100 ms)");
        assertEquals(lab.mac("d2"), lab.clientNeighbourMac());
        assertTrue(lab.kernelHasVip("d2"));
        assertTrue(!lab.kernelHasVip("d1"), "d1 must have released the VIP");
        assertEquals("standby", state("d1"));
        assertTrue(lab.status("d1").path("peer").path("alive").asBoolean(), "a planned move is not a death");

        int back = poller.size();
        Exec.Result standby = lab.tandemctl("d2", "standby");
        assertEquals(0, standby.exitCode(), standby.stdout() + standby.stderr());
        await().atMost(WAIT).until(() -> poller.answeredSince(back, "d1"));
        long gapBack = poller.gapMillisUntilFirst("d1", back);
        System.out.println("standby: client-visible gap " + gapBack + " ms");
        assertTrue(gapBack < 100, "standby: client saw no answer for " + gapBack + " ms (limit 100 ms)");
        assertEquals(lab.mac("d1"), lab.clientNeighbourMac());
        assertEquals("standby", state("d2"));
    }

    @Test
    void gracefulStopShouldHandOverAtOnce() throws IOException {
        int mark = poller.size();
        lab.stopDaemon("d1");
        assertTrue(!lab.kernelHasVip("d1"), "SIGTERM must remove the VIP");
        await().atMost(WAIT).until(() -> poller.answeredSince(mark, "d2"));
        long gap = poller.gapMillisUntilFirst("d2", mark);
        System.out.println("graceful stop: client-visible gap " + gap + " ms");
        assertTrue(gap < 250, "graceful stop: client saw no answer for " + gap + " ms, which is deadtime or more");
        assertTrue(lab.status("d2").path("peer").path("reason").asText().contains("shutting down"));
    }

    @Test
    void statusJsonShouldDescribeNodePeerAndResources() throws IOException {
        JsonNode s = lab.status("d1");
        assertEquals("d1", s.path("node").asText());
        assertEquals("active", s.path("state").asText());
        assertEquals("d2", s.path("peer").path("name").asText());
        assertTrue(s.path("peer").path("alive").asBoolean());
        JsonNode r = s.path("resources").get(0);
        assertEquals("IPaddr2::198.51.100.10/25/eth0", r.path("resource").asText());
        assertTrue(r.path("held").asBoolean());
        assertTrue(!lab.status("d2").path("resources").get(0).path("held").asBoolean());

        Exec.Result json = lab.tandemctl("d1", "status", "--json");
        assertEquals(0, json.exitCode(), json.stderr());
        assertTrue(json.stdout().contains("\"node\" : \"d1\""), json.stdout());
        Exec.Result human = lab.tandemctl("d2", "status");
        assertEquals(0, human.exitCode(), human.stderr());
        assertTrue(human.stdout().contains("node d2: standby"), human.stdout());
    }
}
