package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.lab.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tandemctl reload} on both directors: keys rotate with no failover; a broken file changes nothing. */
@Timeout(120)
class ReloadLabTest extends LabTestBase {
    private void writeKeys(String text) throws IOException {
        for (String d : List.of("d1", "d2")) {
            Path keys = lab.configDir(d).resolve("authkeys");
            Files.writeString(keys, text);
        }
    }

    private void reloadBoth() {
        for (String d : List.of("d1", "d2")) {
            Exec.Result r = lab.tandemctl(d, "reload");
            assertEquals(0, r.exitCode(), d + ": " + r.stdout() + r.stderr());
        }
    }

    private long transitions() throws IOException {
        return lab.status("d1").path("transitions").asLong() + lab.status("d2").path("transitions").asLong();
    }

    @Test
    void keysShouldRotateByReloadOnBothNodesWithoutAFailover() throws IOException {
        startPair();
        long before = transitions();
        writeKeys("auth 1\n1 sha256 old-secret-not-for-production\n2 sha256 new-secret-not-for-production\n"
                .replace("old-secret-not-for-production", io.tandem.lab.DirectorLab.SECRET));
        reloadBoth();
        writeKeys("auth 2\n1 sha256 " + io.tandem.lab.DirectorLab.SECRET + "\n2 sha256 new-secret-not-for-production\n");
        reloadBoth();
        writeKeys("auth 2\n2 sha256 new-secret-not-for-production\n");
        reloadBoth();

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() ->
                lab.status("d1").path("peer").path("alive").asBoolean() && lab.status("d2").path("peer").path("alive").asBoolean());
        assertEquals(before, transitions(), "rotating keys must not move anything");
        assertEquals(0, lab.status("d2").path("heartbeat").path("dropped.unknown_key").asLong()
                + lab.status("d2").path("heartbeat").path("dropped.bad_mac").asLong(), "no heartbeat was refused during the rotation");
        assertTrue(lab.tandemctl("d1", "status").stdout().contains("node d1: active"));
    }

    @Test
    void sighupShouldReloadLikeHeartbeatDidInsteadOfStoppingTheDaemon() throws Exception {
        startPair();
        new ProcessBuilder("kill", "-HUP", Long.toString(lab.daemonPid("d1"))).start().waitFor();
        await().atMost(WAIT).until(() -> Files.readString(lab.log("d1")).contains("reload applied"));
        assertEquals("active", state("d1"), "SIGHUP must not stop the daemon");
        assertTrue(lab.kernelHasVip("d1"));
    }

    @Test
    void brokenConfigShouldBeRefusedWithFileAndLineAndChangeNothing() throws IOException {
        startPair();
        long before = transitions();
        Path haCf = lab.configDir("d1").resolve("ha.cf");
        Files.writeString(haCf, Files.readString(haCf) + "keepalive often\n");
        Exec.Result r = lab.tandemctl("d1", "reload");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("ha.cf:") && r.stderr().contains("often"), r.stderr());
        assertTrue(r.stderr().contains("still running the previous config"), r.stderr());
        assertEquals(before, transitions());
        assertTrue(lab.kernelHasVip("d1"));
        assertEquals("active", state("d1"));
    }
}
