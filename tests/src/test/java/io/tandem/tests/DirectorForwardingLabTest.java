package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The director resource end to end: haresources names the VIP and {@code director}; director.cf (an
 * ldirectord.cf) lists two real HTTP servers behind the VIP with direct routing and rr. The client's
 * fetches alternate between them through d1, and after a takeover through d2.
 */
@Timeout(120)
class DirectorForwardingLabTest extends LabTestBase {
    private List<String> fetch(int times) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            answers.add(lab.fetchFromClient());
        }
        return answers;
    }

    @Test
    void clientShouldReachBothRealServersThroughTheActiveDirectorAndThenThroughThePeer() throws IOException {
        lab.addRealServer("r1", "198.51.100.21");
        lab.addRealServer("r2", "198.51.100.22");
        lab.writeHaresources("d1 IPaddr2::" + DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX + "/eth0 director");
        lab.writeDirectorCf(String.join("\n",
                "# an unchanged ldirectord.cf",
                "checktimeout=10",
                "checkinterval=2",
                "quiescent=yes",
                "virtual=" + DirectorLab.VIP + ":80",
                "\treal=198.51.100.21:80 gate",
                "\treal=198.51.100.22:80 gate",
                "\tscheduler=rr",
                "\tprotocol=tcp",
                "\tchecktype=connect",
                ""));
        startPair();
        await().atMost(WAIT).until(() -> "r1".equals(lab.fetchFromClient()) || "r2".equals(lab.fetchFromClient()));

        List<String> viaD1 = fetch(4);
        assertTrue(viaD1.containsAll(List.of("r1", "r2")), "rr through d1 must reach both: " + viaD1);
        for (int i = 1; i < viaD1.size(); i++) {
            assertTrue(!viaD1.get(i).equals(viaD1.get(i - 1)), "rr alternates: " + viaD1);
        }

        Exec.Result takeover = lab.tandemctl("d2", "takeover");
        assertEquals(0, takeover.exitCode(), takeover.stdout() + takeover.stderr());
        await().atMost(WAIT).until(() -> lab.fetchFromClient() != null);
        List<String> viaD2 = fetch(4);
        assertTrue(viaD2.containsAll(List.of("r1", "r2")), "rr through d2 must reach both: " + viaD2);
        Exec.Result d1Services = lab.tandemctl("d1", "services");
        assertTrue(d1Services.stdout().contains("standby on this node (not forwarding)"),
                "d1 released the director: " + d1Services.stdout());
        assertTrue(lab.net().exec("d1", 10_000, "nft", "list", "tables").stdout().contains("tandem_director"),
                "the kernel-bypass table stays while tandemd runs, so a VIP in transit never meets the kernel's RSTs");
        lab.stopDaemon("d1");
        assertTrue(!lab.net().exec("d1", 10_000, "nft", "list", "tables").stdout().contains("tandem_director"),
                "a stopped tandemd leaves no nftables table behind");
    }
}
