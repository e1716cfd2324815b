package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.lab.DirectorLab;
import io.tandem.lab.PollerLog;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With the default-like timing (keepalive 200ms, deadtime 1s), stopping the active daemon with
 * SIGTERM must not cost a deadtime: it releases the VIP and says goodbye, and the peer takes over
 * at once.
 */
@Timeout(120)
class GracefulStopLabTest extends LabTestBase {
    @Override
    DirectorLab.Timing timing() {
        return new DirectorLab.Timing("200ms", "500ms", "1s", "3s", false);
    }

    @Test
    void sigtermOfTheActiveDaemonShouldMoveTheVipFarFasterThanDeadtime() throws IOException {
        startPair();
        PollerLog poller = lab.startPoller(10, 100);
        await().atMost(WAIT).until(() -> "d1".equals(poller.lastName()));
        // Both must hear each other now, or the goodbye could be lost in an unresolved neighbour entry.
        await().atMost(WAIT).ignoreExceptions().until(() -> lab.status("d2").path("peer").path("alive").asBoolean());

        int mark = poller.size();
        lab.stopDaemon("d1");
        await().atMost(WAIT).until(() -> poller.answeredSince(mark, "d2"));
        long gap = poller.gapMillisUntilFirst("d2", mark);
        System.out.println("SIGTERM with deadtime 1s: client-visible gap " + gap + " ms");
        assertTrue(gap < 100, "SIGTERM: the client saw no answer for " + gap + " ms (limit 100 ms, deadtime 1 s)");
        assertTrue(lab.status("d2").path("peer").path("reason").asText().contains("shutting down")
                || lab.status("d2").path("peer").path("reason").asText().contains("graceful"));
    }
}
