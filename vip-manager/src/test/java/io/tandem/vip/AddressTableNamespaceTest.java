package io.tandem.vip;

import static io.tandem.vip.AddressTableTest.vip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.config.VipSpec;
import io.tandem.linux.NetnsLab;
import io.tandem.linux.RtNetlink;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AddressTable against the real kernel: a namespace with d0 (198.51.100.2/25, 2001:db8:0:1::2/64)
 * and d1 (198.51.100.130/26); what it does is checked with {@code ip -j addr show}.
 */
class AddressTableNamespaceTest {
    private NetnsLab lab;
    private String ns;
    private RtNetlink rtnl;
    private AddressTable table;

    @BeforeEach
    void createNamespace() throws Exception {
        assumeTrue(NetnsLab.isAvailable(), "needs root and ip(8)");
        lab = new NetnsLab();
        ns = lab.createNamespace();
        lab.addLink(ns, "d0");
        lab.addLink(ns, "d1");
        NetnsLab.ipIn(ns, "addr", "add", "198.51.100.2/25", "dev", "d0");
        NetnsLab.ipIn(ns, "addr", "add", "2001:db8:0:1::2/64", "dev", "d0", "nodad");
        NetnsLab.ipIn(ns, "addr", "add", "198.51.100.130/26", "dev", "d1");
        rtnl = lab.callIn(ns, RtNetlink::open);
        table = new AddressTable(rtnl);
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
    void shouldAddEachVipToTheInterfaceWhoseSubnetContainsIt() throws Exception {
        assertTrue(table.add(vip("198.51.100.10", 25, null)));
        assertTrue(table.add(vip("198.51.100.140", 0, null)));
        assertTrue(table.add(vip("2001:db8:0:1::10", 64, null)));

        assertEquals(List.of("198.51.100.10/25", "198.51.100.2/25", "2001:db8:0:1::10/64", "2001:db8:0:1::2/64"),
                sorted(NetnsLab.addresses(ns, "d0")));
        assertEquals(List.of("198.51.100.130/26", "198.51.100.140/26"), sorted(NetnsLab.addresses(ns, "d1")));
        JsonNode v6 = NetnsLab.addressInfo(ns, "d0", "2001:db8:0:1::10");
        assertFalse(v6.path("tentative").asBoolean(), "usable at once: " + v6);
    }

    @Test
    void shouldBeIdempotentAgainstTheKernel() throws Exception {
        VipSpec vip = vip("198.51.100.10", 25, null);

        assertTrue(table.add(vip));
        assertFalse(table.add(vip));
        assertTrue(table.holds(vip));
        assertTrue(table.remove(vip));
        assertFalse(table.remove(vip));
        assertFalse(table.holds(vip));

        assertEquals(List.of("198.51.100.2/25", "2001:db8:0:1::2/64"), sorted(NetnsLab.addresses(ns, "d0")));
    }

    @Test
    void shouldAddToTheNamedDevice() throws Exception {
        assertTrue(table.add(vip("198.51.100.10", 32, "d1")));
        assertTrue(NetnsLab.addresses(ns, "d1").contains("198.51.100.10/32"));
        assertFalse(NetnsLab.addresses(ns, "d0").contains("198.51.100.10/32"));
    }

    @Test
    void shouldExplainWhenNoSubnetContainsTheVip() throws Exception {
        VipPlacementException e = assertThrows(VipPlacementException.class,
                () -> table.add(vip("198.51.100.200", 24, null)));
        assertEquals("no interface has a subnet containing 198.51.100.200; name the device in haresources "
                + "(IPaddr2::198.51.100.200/24/eth0)", e.getMessage());
    }

    @Test
    void shouldLeaveTheNodesOwnAddressAlone() throws Exception {
        assertFalse(table.remove(vip("198.51.100.2", 32, null)));
        assertTrue(NetnsLab.addresses(ns, "d0").contains("198.51.100.2/25"));
    }

    private static List<String> sorted(List<String> addresses) {
        return addresses.stream().sorted().toList();
    }
}
