package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kill -STOP} of the standby for 2 s, then {@code kill -CONT}: on waking it finds 2 s of
 * silence on its clock, but the peer's heartbeats are waiting in its socket. It must notice that
 * it was the one asleep, drain them, and not take the VIP.
 */
@Timeout(120)
class StoppedProcessLabTest extends LabTestBase {
    @Test
    void standbyStoppedForTwoSecondsShouldNotTakeOverWhenItWakes() throws Exception {
        startPair();
        long transitions = lab.status("d2").path("transitions").asLong();
        long pid = lab.daemonPid("d2");
        new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
        try {
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
        }
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> state("d2").equals("standby") && !lab.kernelHasVip("d2"));
        assertEquals(transitions, lab.status("d2").path("transitions").asLong(), "d2 must not have moved");
        assertTrue(lab.status("d2").path("heartbeat").path("stalls").asLong() >= 1, "d2 must have seen its own stall");
        assertEquals("active", state("d1"));
        assertTrue(lab.kernelHasVip("d1"));
    }
}
