package io.tandem.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad config makes the real tandemd exit non-zero with a one-line file:line error, before it
 * touches any address: a stale copy of the VIP planted on d1 must still be there afterwards (a
 * daemon that got as far as start-up reconciliation would have removed it).
 */
@Timeout(120)
class ConfigErrorLabTest extends LabTestBase {
    @BeforeEach
    void plantStaleVip() {
        lab.net().ip("d1", "addr", "add", DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX, "dev", "eth0");
    }

    private Exec.Result runD1() {
        return lab.runDaemonOnce("d1", 60_000, "--config", lab.configDir("d1").toString(), "--node", "d1",
                "--socket", lab.socket("d1").toString(), "--state-dir", lab.stateDir("d1").toString());
    }

    private void assertRefused(Exec.Result r, String fileAndLine, String what) {
        assertNotEquals(0, r.exitCode(), "tandemd must exit non-zero; stdout: " + r.stdout());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), "exactly one line of error, got:\n" + err);
        assertTrue(err.contains(fileAndLine), "error must name " + fileAndLine + ": " + err);
        assertTrue(err.contains(what), "error must say " + what + ": " + err);
        assertTrue(lab.kernelHasVip("d1"), "no address may be touched by a daemon that refuses its config");
        assertTrue(Files.notExists(lab.socket("d1")), "no control socket may be left");
    }

    @Test
    void badHaCfLineShouldNameFileAndLine() throws IOException {
        Path haCf = lab.configDir("d1").resolve("ha.cf");
        String text = Files.readString(haCf).replace("deadtime 250ms", "deadtime soon");
        Files.writeString(haCf, text);
        int line = lineOf(text, "deadtime soon");
        assertRefused(runD1(), "ha.cf:" + line, "soon");
    }

    @Test
    void unknownDirectiveShouldNameFileLineAndDirective() throws IOException {
        Path haCf = lab.configDir("d1").resolve("ha.cf");
        Files.writeString(haCf, Files.readString(haCf) + "frobnicate yes\n");
        int line = (int) Files.readString(haCf).lines().count();
        assertRefused(runD1(), "ha.cf:" + line, "frobnicate");
    }

    @Test
    void worldReadableAuthkeysShouldBeRefused() throws IOException {
        Path keys = lab.configDir("d1").resolve("authkeys");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));
        assertRefused(runD1(), "authkeys", "0600");
    }

    @Test
    void checkShouldAcceptTheLabConfigWithoutStartingAnything() {
        Exec.Result r = lab.runDaemonOnce("d1", 60_000, "--check", "--config", lab.configDir("d1").toString(), "--node", "d1");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("valid"), r.stdout());
        assertTrue(lab.kernelHasVip("d1"), "--check must not touch addresses");
    }

    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(needle);
    }
}
