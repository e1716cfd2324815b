package io.tandem.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Links and NetNamespace against the real kernel, in a namespace of their own. */
class LinksTest {
    private NetnsLab lab;
    private String ns;

    @BeforeEach
    void createNamespace() {
        assumeTrue(NetnsLab.isAvailable(), "needs root and ip(8)");
        lab = new NetnsLab();
        ns = lab.createNamespace();
        lab.addLink(ns, "d0");
        NetnsLab.ipIn(ns, "link", "set", "d0", "address", "02:00:00:00:00:d0");
    }

    @AfterEach
    void deleteNamespace() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldSeeTheInterfacesOfTheThreadsNamespace() throws Exception {
        int expected = NetnsLab.ipJson(ns, "link", "show", "dev", "d0").get(0).path("ifindex").asInt();
        assertEquals(expected, lab.callIn(ns, () -> Links.index("d0")));
        assertArrayEquals(NetnsLab.macBytes("02:00:00:00:00:d0"), lab.callIn(ns, () -> Links.macAddress("d0")));
    }

    @Test
    void shouldNameTheMissingInterface() throws Exception {
        LinuxException e = assertThrows(LinuxException.class, () -> lab.callIn(ns, () -> Links.index("nope0")));
        assertEquals("if_nametoindex(nope0): No such device (errno 19)", e.getMessage());
        assertEquals(Errno.ENODEV,
                assertThrows(LinuxException.class, () -> lab.callIn(ns, () -> Links.macAddress("nope0"))).errno());
    }

    @Test
    void shouldFollowAdministrativeState() throws Exception {
        assertTrue(lab.callIn(ns, () -> Links.isUp("d0")));
        NetnsLab.ipIn(ns, "link", "set", "d0", "down");
        assertFalse(lab.callIn(ns, () -> Links.isUp("d0")));
        assertFalse(lab.callIn(ns, () -> Links.isRunning("d0")));
    }

    @Test
    void shouldTurnGenericReceiveOffloadOffSoFramesStayWireSized() throws Exception {
        lab.callIn(ns, () -> {
            Links.setGenericReceiveOffload("d0", true);
            return null;
        });
        assertTrue(lab.callIn(ns, () -> Links.isGenericReceiveOffload("d0")));
        assertEquals(java.util.List.of("gro"), lab.callIn(ns, () -> Links.disableReceiveOffloads("d0")));
        assertFalse(lab.callIn(ns, () -> Links.isGenericReceiveOffload("d0")));
        assertEquals(java.util.List.of(), lab.callIn(ns, () -> Links.disableReceiveOffloads("d0")), "nothing left to do");
    }

    @Test
    void shouldRejectLoopbackAsNotEthernet() throws Exception {
        // lo has ARPHRD_LOOPBACK: no MAC to announce with.
        assertThrows(LinuxException.class, () -> lab.callIn(ns, () -> Links.macAddress("lo")));
    }

    @Test
    void shouldFailToEnterAMissingNamespaceNamingIt() {
        LinuxException e = assertThrows(LinuxException.class, () -> NetNamespace.enter("tdm-t-missing-" + ProcessHandle.current().pid()));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().startsWith("open(/var/run/netns/tdm-t-missing-"), e.getMessage());
    }

    @Test
    void shouldRejectNamespaceNamesThatArePaths() {
        assertThrows(IllegalArgumentException.class, () -> NetNamespace.enter("../x"));
    }
}
