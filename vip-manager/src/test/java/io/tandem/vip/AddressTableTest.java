package io.tandem.vip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.config.VipSpec;
import io.tandem.linux.Errno;
import io.tandem.linux.LinuxException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Device choice and idempotence of AddressTable, against an in-memory kernel (no root). */
class AddressTableTest {
    private FakeAddressKernel kernel;
    private AddressTable table;

    static VipSpec vip(String address, int prefixLength, String device) throws Exception {
        String text = device == null ? address + "/" + prefixLength : address + "/" + prefixLength + "/" + device;
        return new VipSpec("IPaddr2", InetAddress.getByName(address), prefixLength, device, "IPaddr2::" + text);
    }

    @BeforeEach
    void twoInterfaces() throws Exception {
        kernel = new FakeAddressKernel().link("lo", 1).link("eth0", 2).link("eth1", 3)
                .address("lo", "127.0.0.1", 8)
                .address("eth0", "198.51.100.2", 25)
                .address("eth1", "198.51.100.130", 26)
                .address("eth0", "2001:db8:0:1::2", 64);
        table = new AddressTable(kernel);
    }

    @Test
    void shouldPlaceTheVipOnTheInterfaceWhoseSubnetContainsIt() throws Exception {
        assertEquals("eth0", table.resolveDevice(vip("198.51.100.10", 24, null)));
        assertEquals("eth0", table.resolveDevice(vip("2001:db8:0:1::10", 64, null)));
    }

    @Test
    void shouldPreferTheLongestPrefixWhenSubnetsOverlap() throws Exception {
        kernel.link("eth2", 4).address("eth2", "198.51.100.250", 24);
        assertEquals("eth1", table.resolveDevice(vip("198.51.100.140", 24, null)));
        assertEquals("eth2", table.resolveDevice(vip("198.51.100.200", 24, null)));
    }

    @Test
    void shouldBreakTiesByTheLowestInterfaceIndex() throws Exception {
        kernel.link("eth2", 4).address("eth2", "198.51.100.3", 25);
        assertEquals("eth0", table.resolveDevice(vip("198.51.100.10", 24, null)));
    }

    @Test
    void shouldUseTheNamedDeviceWhateverItsSubnets() throws Exception {
        assertEquals("eth1", table.resolveDevice(vip("198.51.100.10", 32, "eth1")));
    }

    @Test
    void shouldTakeThePrefixOfTheContainingSubnetWhenNoneIsWritten() throws Exception {
        assertTrue(table.add(vip("198.51.100.10", 0, null)));
        assertTrue(table.add(vip("198.51.100.150", 0, "eth1")));

        assertEquals(List.of("198.51.100.2/25", "2001:db8:0:1::2/64", "198.51.100.10/25"), kernel.addresses("eth0"));
        assertEquals(List.of("198.51.100.130/26", "198.51.100.150/26"), kernel.addresses("eth1"));
    }

    @Test
    void shouldExplainWhenNoSubnetContainsTheVip() throws Exception {
        VipPlacementException e = assertThrows(VipPlacementException.class,
                () -> table.add(vip("198.51.100.200", 24, null)));
        assertEquals("no interface has a subnet containing 198.51.100.200; name the device in haresources "
                + "(IPaddr2::198.51.100.200/24/eth0)", e.getMessage());
        VipPlacementException v6 = assertThrows(VipPlacementException.class,
                () -> table.add(vip("2001:db8:0:9::10", 64, null)));
        assertEquals("no interface has a subnet containing 2001:db8:0:9::10; name the device in haresources "
                + "(IPv6addr::2001:db8:0:9::10/64/eth0)", v6.getMessage());
    }

    @Test
    void shouldExplainAMissingPrefixOnANamedDevice() throws Exception {
        VipPlacementException e = assertThrows(VipPlacementException.class,
                () -> table.add(vip("198.51.100.10", 0, "eth1")));
        assertEquals("vip 198.51.100.10 has no prefix length and no address on eth1 has a subnet containing it; "
                + "write it in haresources as IPaddr2::198.51.100.10/24/eth1", e.getMessage());
    }

    @Test
    void shouldNotTakeTheVipItselfForTheSubnetThatPlacesIt() throws Exception {
        kernel.address("eth1", "198.51.100.200", 24); // a VIP left on eth1, /24 would contain itself
        assertThrows(VipPlacementException.class, () -> table.resolveDevice(vip("198.51.100.200", 24, null)));
        assertTrue(table.holds(vip("198.51.100.200", 24, null)));
    }

    @Test
    void shouldSayWhetherItAddedOrFoundTheVip() throws Exception {
        VipSpec vip = vip("198.51.100.10", 24, null);
        assertTrue(table.add(vip));
        assertFalse(table.add(vip));
        assertTrue(table.holds(vip));
        assertEquals(List.of("198.51.100.2/25", "2001:db8:0:1::2/64", "198.51.100.10/24"), kernel.addresses("eth0"));
    }

    @Test
    void shouldRemoveTheVipFromWhereverItIs() throws Exception {
        kernel.address("eth1", "198.51.100.10", 24); // not where placement would put it
        VipSpec vip = vip("198.51.100.10", 24, null);

        assertTrue(table.remove(vip));
        assertFalse(table.remove(vip));
        assertFalse(table.holds(vip));
        assertEquals(List.of("198.51.100.130/26"), kernel.addresses("eth1"));
    }

    @Test
    void shouldOnlyRemoveFromTheNamedDevice() throws Exception {
        kernel.address("eth1", "198.51.100.10", 24);
        assertFalse(table.remove(vip("198.51.100.10", 24, "eth0")));
        assertTrue(table.holds(vip("198.51.100.10", 24, "eth1")));
    }

    @Test
    void shouldNeverTakeTheNodesOwnAddressWithAnotherPrefixForTheVip() throws Exception {
        VipSpec sameAddressOtherPrefix = vip("198.51.100.2", 32, null);
        assertFalse(table.holds(sameAddressOtherPrefix));
        assertFalse(table.remove(sameAddressOtherPrefix));
        assertTrue(kernel.addresses("eth0").contains("198.51.100.2/25"));
    }

    @Test
    void shouldPassOnWhatTheKernelRefuses() throws Exception {
        LinuxException e = assertThrows(LinuxException.class, () -> table.add(vip("198.51.100.10", 24, "eth7")));
        assertEquals(Errno.ENODEV, e.errno());
        kernel.nextFailure = new LinuxException("RTM_NEWADDR 198.51.100.10/24 dev eth0", Errno.EPERM);
        assertEquals(Errno.EPERM, assertThrows(LinuxException.class,
                () -> table.add(vip("198.51.100.10", 24, "eth0"))).errno());
    }

    @Test
    void shouldRejectAPrefixLongerThanTheAddress() throws Exception {
        VipPlacementException e = assertThrows(VipPlacementException.class,
                () -> table.add(vip("198.51.100.10", 33, "eth0")));
        assertEquals("vip 198.51.100.10: prefixLength=33 must be 1..32", e.getMessage());
    }
}
