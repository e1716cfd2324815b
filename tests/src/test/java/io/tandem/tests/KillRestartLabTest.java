package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.lab.PollerLog;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of the active daemon: the peer takes over after deadtime; the restarted daemon removes
 * the VIP its previous life left in the kernel before doing anything, and with auto_failback off
 * it does not take the group back.
 */
@Timeout(120)
class KillRestartLabTest extends LabTestBase {
    @Test
    void killedActiveShouldBeReplacedAfterDeadtimeAndNotStealBackAfterRestart() throws Exception {
        startPair();
        PollerLog poller = lab.startPoller(10, 100);
        await().atMost(WAIT).until(() -> "d1".equals(poller.lastName()));

        int mark = poller.size();
        long killedAt = System.nanoTime();
        lab.killDaemon("d1");
        assertTrue(lab.kernelHasVip("d1"), "SIGKILL leaves the VIP behind: that is what the restart must clean up");
        // d1's kernel keeps answering for the VIP it was left with, so the measure is how long after
        // the kill d2 answers the client, not the client's silence.
        await().atMost(WAIT).until(() -> poller.answeredSince(mark, "d2"));
        long failoverMillis = (poller.firstReadNanos("d2", mark) - killedAt) / 1_000_000;
        System.out.println("kill -9: d2 answered the client " + failoverMillis + " ms after the kill");
        // deadtime 250 ms + 200 ms, plus one 10 ms poll interval of measuring granularity.
        assertTrue(failoverMillis < 460, "kill -9: d2 answered only " + failoverMillis + " ms after the kill (deadtime 250 ms + 200 ms)");

        lab.startDaemon("d1");
        await().atMost(WAIT).ignoreExceptions().until(() -> lab.status("d1").path("peer").path("alive").asBoolean());
        assertTrue(!lab.kernelHasVip("d1"), "the restarted daemon must have removed its stale VIP");
        await().during(Duration.ofSeconds(2)).atMost(WAIT).ignoreExceptions()
                .until(() -> lab.status("d1").path("state").asText().equals("standby"));
        assertEquals("active", lab.status("d2").path("state").asText(), "auto_failback off: no steal-back");
        assertEquals("d2", poller.lastName());
        assertTrue(poller.millisSinceLastReply() < 200, "the client must still be answered");
    }
}
