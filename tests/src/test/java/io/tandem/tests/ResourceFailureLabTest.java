package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A group whose second resource cannot start on d1: d1 rolls the VIP back, shows the fault, and
 * d2 takes the group; an operator's takeover on d1 clears the fault once the resource is fixed.
 */
@Timeout(120)
class ResourceFailureLabTest extends LabTestBase {
    @Test
    void failedResourceShouldRollBackShowFaultAndLetPeerTakeTheGroup() throws IOException {
        lab.writeHaresources("d1 IPaddr2::" + DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX + "/eth0 app::web");
        Path fixed = lab.configDir("d1").resolve("app-fixed");
        lab.addResourceScript("d1", "app",
                "case \"$2\" in start) test -f " + fixed + " || { echo \"cannot bind port 80\"; exit 1; };; esac; exit 0");
        lab.addResourceScript("d2", "app", "exit 0");
        lab.startDaemon("d1");
        lab.startDaemon("d2");

        await().atMost(WAIT).ignoreExceptions().until(() -> lab.status("d2").path("state").asText().equals("active"));
        JsonNode d1 = lab.status("d1");
        assertEquals("fault", d1.path("state").asText());
        JsonNode group = d1.path("groups").get(0);
        assertEquals("failed", group.path("state").asText());
        assertTrue(group.path("reason").asText().contains("app::web") && group.path("reason").asText().contains("cannot bind port 80"),
                group.path("reason").asText());
        assertFalse(lab.kernelHasVip("d1"), "the VIP started before the failing resource must be rolled back");
        assertTrue(lab.kernelHasVip("d2"));

        java.nio.file.Files.writeString(fixed, "");
        Exec.Result r = lab.tandemctl("d1", "takeover");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertEquals("active", lab.status("d1").path("state").asText());
        assertTrue(lab.kernelHasVip("d1"));
        await().atMost(WAIT).until(() -> !lab.kernelHasVip("d2"));

        Exec.Result history = lab.tandemctl("d1", "history");
        assertEquals(0, history.exitCode(), history.stderr());
        assertTrue(history.stdout().contains("starting -> failed"), history.stdout());
        assertTrue(history.stdout().contains("operator takeover clears the fault"), history.stdout());
    }
}
