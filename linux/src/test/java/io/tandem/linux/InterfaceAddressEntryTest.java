package io.tandem.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class InterfaceAddressEntryTest {
    private static InterfaceAddressEntry entry(String address, int prefix) throws Exception {
        return new InterfaceAddressEntry(2, "eth0", InetAddress.getByName(address), prefix);
    }

    @Test
    void shouldContainAddressesOfTheSameSubnet() throws Exception {
        InterfaceAddressEntry entry = entry("198.51.100.2", 24);
        assertTrue(entry.subnetContains(InetAddress.getByName("198.51.100.10")));
        assertFalse(entry.subnetContains(InetAddress.getByName("198.51.101.10")));
    }

    @Test
    void shouldCompareThePartialByteOfOddPrefixes() throws Exception {
        InterfaceAddressEntry entry = entry("198.51.100.2", 28);
        assertTrue(entry.subnetContains(InetAddress.getByName("198.51.100.15")));
        assertFalse(entry.subnetContains(InetAddress.getByName("198.51.100.16")));
    }

    @Test
    void shouldNotMixFamilies() throws Exception {
        assertFalse(entry("198.51.100.2", 0).subnetContains(InetAddress.getByName("2001:db8::10")));
        assertTrue(entry("2001:db8::1", 64).subnetContains(InetAddress.getByName("2001:db8::10")));
        assertFalse(entry("2001:db8::1", 64).subnetContains(InetAddress.getByName("2001:db8:1::10")));
    }

    @Test
    void shouldPrintAsIpDoes() throws Exception {
        assertEquals("2001:db8::1/64 dev eth0", entry("2001:db8::1", 64).toString());
    }
}
