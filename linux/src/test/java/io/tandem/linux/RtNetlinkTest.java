package io.tandem.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RtNetlink against the real kernel, in a namespace of its own with an interface d0. */
class RtNetlinkTest {
    private NetnsLab lab;
    private String ns;
    private RtNetlink rtnl;

    @BeforeEach
    void createNamespace() throws Exception {
        assumeTrue(NetnsLab.isAvailable(), "needs root and ip(8)");
        lab = new NetnsLab();
        ns = lab.createNamespace();
        lab.addLink(ns, "d0");
        rtnl = lab.callIn(ns, RtNetlink::open);
    }

    @AfterEach
    void deleteNamespace() {
        if (rtnl != null) {
            rtnl.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldAddIpv4AddressWithBroadcastAsIpWould() throws Exception {
        rtnl.addAddress("d0", InetAddress.getByName("198.51.100.10"), 24);

        JsonNode info = NetnsLab.addressInfo(ns, "d0", "198.51.100.10");
        assertEquals(24, info.path("prefixlen").asInt(), info.toString());
        assertEquals("198.51.100.255", info.path("broadcast").asText(), info.toString());
        assertEquals("global", info.path("scope").asText(), info.toString());
    }

    @Test
    void shouldReportExistingAddressAsEexistNamingAddressAndDevice() throws Exception {
        InetAddress vip = InetAddress.getByName("198.51.100.10");
        rtnl.addAddress("d0", vip, 24);

        LinuxException e = assertThrows(LinuxException.class, () -> rtnl.addAddress("d0", vip, 24));
        assertEquals(Errno.EEXIST, e.errno());
        assertTrue(e.getMessage().startsWith("RTM_NEWADDR 198.51.100.10/24 dev d0: File exists (errno 17)"),
                e.getMessage());
        assertEquals(List.of("198.51.100.10/24"), NetnsLab.addresses(ns, "d0"));
    }

    @Test
    void shouldAddIpv6AddressUsableAtOnceWithoutDad() throws Exception {
        rtnl.addAddress("d0", InetAddress.getByName("2001:db8::10"), 64);

        JsonNode info = NetnsLab.addressInfo(ns, "d0", "2001:db8::10");
        assertEquals(64, info.path("prefixlen").asInt(), info.toString());
        assertTrue(info.path("nodad").asBoolean(), info.toString());
        assertFalse(info.path("tentative").asBoolean(), info.toString());
    }

    @Test
    void shouldDeleteAddressAndReportMissingOneAsEaddrnotavail() throws Exception {
        InetAddress v4 = InetAddress.getByName("198.51.100.10");
        InetAddress v6 = InetAddress.getByName("2001:db8::10");
        rtnl.addAddress("d0", v4, 24);
        rtnl.addAddress("d0", v6, 64);

        rtnl.deleteAddress("d0", v4, 24);
        rtnl.deleteAddress("d0", v6, 64);

        assertFalse(NetnsLab.addresses(ns, "d0").contains("198.51.100.10/24"));
        assertFalse(NetnsLab.addresses(ns, "d0").contains("2001:db8::10/64"));
        LinuxException e = assertThrows(LinuxException.class, () -> rtnl.deleteAddress("d0", v4, 24));
        assertEquals(Errno.EADDRNOTAVAIL, e.errno());
        assertTrue(e.getMessage().startsWith(
                "RTM_DELADDR 198.51.100.10/24 dev d0: Cannot assign requested address (errno 99)"), e.getMessage());
        assertEquals(Errno.EADDRNOTAVAIL,
                assertThrows(LinuxException.class, () -> rtnl.deleteAddress("d0", v6, 64)).errno());
    }

    @Test
    void shouldNotDeleteAnAddressOfAnotherPrefixLength() throws Exception {
        InetAddress v4 = InetAddress.getByName("198.51.100.10");
        rtnl.addAddress("d0", v4, 24);

        assertThrows(LinuxException.class, () -> rtnl.deleteAddress("d0", v4, 25));
        assertEquals(List.of("198.51.100.10/24"), NetnsLab.addresses(ns, "d0"));
    }

    @Test
    void shouldNameMissingInterface() throws Exception {
        LinuxException e = assertThrows(LinuxException.class,
                () -> rtnl.addAddress("nope0", InetAddress.getByName("198.51.100.10"), 24));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().startsWith("RTM_NEWADDR 198.51.100.10/24 dev nope0: No such device (errno 19)"),
                e.getMessage());
        assertEquals(Errno.ENODEV, assertThrows(LinuxException.class, () -> rtnl.linkIndex("nope0")).errno());
    }

    @Test
    void shouldDumpAddressesOfItsOwnNamespaceWithInterfaceNames() throws Exception {
        rtnl.addAddress("d0", InetAddress.getByName("198.51.100.10"), 24);
        rtnl.addAddress("d0", InetAddress.getByName("2001:db8::10"), 64);
        int d0Index = NetnsLab.ipJson(ns, "link", "show", "dev", "d0").get(0).path("ifindex").asInt();

        List<InterfaceAddressEntry> entries = rtnl.dumpAddresses();

        List<String> printed = entries.stream().map(InterfaceAddressEntry::toString).collect(Collectors.toList());
        assertTrue(printed.contains("198.51.100.10/24 dev d0"), printed.toString());
        assertTrue(printed.contains("2001:db8::10/64 dev d0"), printed.toString());
        assertTrue(printed.contains("127.0.0.1/8 dev lo"), printed.toString());
        for (InterfaceAddressEntry entry : entries) {
            assertTrue(entry.ifName().equals("lo") || entry.ifName().equals("d0"), "only this namespace: " + entry);
            if (entry.ifName().equals("d0")) {
                assertEquals(d0Index, entry.ifIndex());
            }
        }
    }

    @Test
    void shouldDumpManyAddressesAcrossSeveralReplies() throws Exception {
        for (int host = 1; host <= 200; host++) {
            rtnl.addAddress("d0", InetAddress.getByName("198.51.100." + host), 32);
        }
        long onD0 = rtnl.dumpAddresses().stream()
                .filter(e -> e.ifName().equals("d0") && e.address().getAddress().length == 4).count();
        assertEquals(200, onD0);
    }

    @Test
    void shouldKeepWorkingAfterAFailedRequest() throws Exception {
        InetAddress vip = InetAddress.getByName("198.51.100.10");
        assertThrows(LinuxException.class, () -> rtnl.deleteAddress("d0", vip, 24));
        rtnl.addAddress("d0", vip, 24);
        assertEquals(List.of("198.51.100.10/24"), NetnsLab.addresses(ns, "d0"));
    }
}
