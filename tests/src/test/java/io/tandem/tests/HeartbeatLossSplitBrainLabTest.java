package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.lab.PollerLog;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every heartbeat dropped by nftables while the client LAN stays up: each director thinks the
 * other dead, so both may hold the VIP for a moment; ARP shows each the other's claim and the pair
 * settles on the preferred node, the client's neighbour entry pointing at it, and stays so.
 */
@Timeout(180)
class HeartbeatLossSplitBrainLabTest extends LabTestBase {
    private boolean exactlyD1Holds() {
        return lab.kernelHasVip("d1") && !lab.kernelHasVip("d2");
    }

    @Test
    void allHeartbeatMediaDroppedShouldSettleOnOneHolderWithinThreeSecondsAndNotFlap() throws IOException {
        startPair();
        PollerLog poller = lab.startPoller(10, 150);
        await().atMost(Duration.ofSeconds(20)).until(() -> "d1".equals(poller.lastName()));

        long cut = System.nanoTime();
        lab.dropHeartbeats("d1", true);
        lab.dropHeartbeats("d2", true);
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> !lab.status("d2").path("peer").path("alive").asBoolean());
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() ->
                exactlyD1Holds() && lab.mac("d1").equals(lab.clientNeighbourMac()));
        System.out.println("heartbeats dropped: one holder again " + (System.nanoTime() - cut) / 1_000_000 + " ms after the cut");

        long transitionsD2 = lab.status("d2").path("transitions").asLong();
        await().during(Duration.ofSeconds(60)).atMost(Duration.ofSeconds(70)).pollInterval(Duration.ofMillis(250))
                .until(() -> exactlyD1Holds() && lab.mac("d1").equals(lab.clientNeighbourMac()));
        assertEquals(transitionsD2, lab.status("d2").path("transitions").asLong(), "d2 must not have moved in that minute");
        assertTrue(poller.millisSinceLastReply() < 200, "the client is answered");
        assertEquals("d1", poller.lastName());
    }
}
