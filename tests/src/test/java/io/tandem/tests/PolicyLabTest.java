package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ping nodes, two groups active/active with maintenance, and fencing, each in the lab. */
@Timeout(120)
class PolicyLabTest extends LabTestBase {
    private static final String VIP2 = "198.51.100.11";

    private boolean has(String d, String vip) {
        return lab.net().ip(d, "-o", "addr", "show", "dev", "eth0").stdout().contains(" " + vip + "/");
    }

    @Test
    void activeDirectorThatLosesItsPingNodeShouldHandTheGroupToThePeer() throws IOException {
        lab.close();
        lab = new DirectorLab(DirectorLab.findRepo(), lab.work(), timing()).withSecondLink().build();
        // The client stands in for the default gateway: both directors ping it.
        lab.appendHaCf("ping 198.51.100.100", "ping_interval 200ms");
        startPair();
        // d1's LAN cable out; the second link keeps the heartbeats going, so nobody is "dead".
        lab.setLink("d1", false);
        await().atMost(WAIT).until(() -> lab.kernelHasVip("d2") && !lab.kernelHasVip("d1"));
        assertEquals("active", state("d2"));
        assertTrue(lab.status("d1").path("peer").path("alive").asBoolean(), "a planned hand-over, not a death");
        assertTrue(lab.status("d2").path("groups").get(0).path("reason").asText().contains("ping"),
                lab.status("d2").path("groups").get(0).toString());
    }

    @Test
    void twoGroupsShouldRunActiveActiveAndStandbyShouldMoveOnlyThatNodesGroups() throws Exception {
        lab.writeHaresources("d1 IPaddr2::" + DirectorLab.VIP + "/25/eth0", "d2 IPaddr2::" + VIP2 + "/25/eth0");
        lab.startDaemon("d1");
        lab.startDaemon("d2");
        await().atMost(WAIT).until(() -> has("d1", DirectorLab.VIP) && has("d2", VIP2));
        long d2Transitions = lab.status("d2").path("transitions").asLong();

        Exec.Result standby = lab.tandemctl("d1", "standby");
        assertEquals(0, standby.exitCode(), standby.stdout() + standby.stderr());
        await().atMost(WAIT).until(() -> has("d2", DirectorLab.VIP) && has("d2", VIP2) && !has("d1", DirectorLab.VIP));
        // d2's own group never moved: the only transitions on d2 are for d1's group (standby -> starting -> active).
        assertEquals(d2Transitions + 2, lab.status("d2").path("transitions").asLong());

        Exec.Result back = lab.tandemctl("d2", "failback");
        assertEquals(0, back.exitCode(), back.stdout() + back.stderr());
        await().atMost(WAIT).until(() -> has("d1", DirectorLab.VIP) && has("d2", VIP2));

        Exec.Result on = lab.tandemctl("d1", "maintenance", "on");
        assertEquals(0, on.exitCode(), on.stderr());
        await().atMost(WAIT).ignoreExceptions().until(() -> lab.status("d2").path("maintenance").asBoolean());
        lab.killDaemon("d2");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> !lab.status("d1").path("peer").path("alive").asBoolean() && !has("d1", VIP2));
        assertTrue(lab.tandemctl("d1", "status").stdout().contains("MAINTENANCE MODE"));
        assertTrue(has("d1", DirectorLab.VIP), "maintenance: d1 keeps what it had");
    }

    @Test
    void failingFenceCommandShouldBlockTheTakeoverAndStatusShouldSaySo() throws Exception {
        lab.appendHaCf("fence_command " + lab.work().resolve("fence-fails"));
        java.nio.file.Path fence = lab.work().resolve("fence-fails");
        java.nio.file.Files.writeString(fence, "#!/bin/sh\necho \"cannot reach the IPMI of $1\"\nexit 1\n");
        java.nio.file.Files.setPosixFilePermissions(fence, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        startPair();
        lab.killDaemon("d1");
        await().atMost(WAIT).ignoreExceptions().until(() -> lab.status("d2").path("peer").path("reason").asText()
                .contains("FENCING FAILED"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !lab.kernelHasVip("d2"));
        assertEquals("fault", state("d2"));
        assertTrue(lab.status("d2").path("peer").path("reason").asText().contains("cannot reach the IPMI of d1"));
        assertFalse(lab.kernelHasVip("d2"));
    }

    @Test
    void notifyCommandShouldRunOnEveryTransitionWithGroupStateNodeAndReason() throws Exception {
        java.nio.file.Path log = lab.work().resolve("notified.log");
        java.nio.file.Path hook = lab.work().resolve("notify");
        java.nio.file.Files.writeString(hook, "#!/bin/sh\necho \"$@\" >> " + log + "\n");
        java.nio.file.Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        lab.appendHaCf("notify_command " + hook);
        startPair();
        await().atMost(WAIT).until(() -> java.nio.file.Files.exists(log)
                && java.nio.file.Files.readString(log).contains(DirectorLab.VIP + " active d1 preferred node"));
        assertTrue(java.nio.file.Files.readString(log).contains(DirectorLab.VIP + " starting d1 "));
    }
}
