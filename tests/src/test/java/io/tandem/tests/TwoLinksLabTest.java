package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.lab.DirectorLab;
import io.tandem.lab.PollerLog;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two heartbeat links between the directors (the LAN on eth0, a dedicated link on eth1): losing
 * one is a warning shown in status, not a failover; losing both is a failover.
 */
@Timeout(120)
class TwoLinksLabTest extends LabTestBase {
    private JsonNode link(String d, String device) throws IOException {
        for (JsonNode l : lab.status(d).path("heartbeat").path("links")) {
            if (l.path("name").asText().contains(" " + device + " ")) {
                return l;
            }
        }
        throw new AssertionError("no link on " + device + " in " + lab.status(d).path("heartbeat").path("links"));
    }

    @Test
    void losingOneOfTwoLinksShouldBeAWarningAndLosingBothAFailover() throws IOException {
        lab.close();
        lab = new DirectorLab(DirectorLab.findRepo(), lab.work(), timing()).withSecondLink().build();
        startPair();
        await().atMost(WAIT).until(() -> link("d2", "eth0").path("up").asBoolean() && link("d2", "eth1").path("up").asBoolean());
        long transitions = lab.status("d2").path("transitions").asLong();

        long cut = System.nanoTime();
        lab.setSecondLink("d1", false);
        await().atMost(Duration.ofMillis(250 + 500)).pollInterval(Duration.ofMillis(20))
                .until(() -> !link("d2", "eth1").path("up").asBoolean());
        System.out.println("one link cut: d2 shows it down after " + (System.nanoTime() - cut) / 1_000_000 + " ms");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> lab.status("d2").path("peer").path("alive").asBoolean());
        assertEquals(transitions, lab.status("d2").path("transitions").asLong(), "one link down must not move anything");
        assertTrue(link("d2", "eth0").path("up").asBoolean());
        assertTrue(lab.kernelHasVip("d1"));

        PollerLog poller = lab.startPoller(10, 60);
        await().atMost(WAIT).until(() -> "d1".equals(poller.lastName()));
        int mark = poller.size();
        lab.setLink("d1", false);
        await().atMost(WAIT).until(() -> poller.answeredSince(mark, "d2"));
        assertEquals("active", state("d2"), "both links down: d2 takes over");
        System.out.println("both links cut: client-visible gap " + poller.gapMillisUntilFirst("d2", mark) + " ms");
    }
}
