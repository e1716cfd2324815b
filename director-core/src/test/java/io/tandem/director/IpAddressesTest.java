package io.tandem.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IpAddressesTest {
    @Test
    void shouldKeepIpv4AsIpv4MappedIpv6() {
        assertEquals(0, Lab.high("198.51.100.10"));
        assertEquals(0x0000_FFFF_C633_640AL, Lab.low("198.51.100.10"));
        assertTrue(IpAddresses.isIPv4(0, Lab.low("198.51.100.10")));
        assertEquals("198.51.100.10", IpAddresses.toString(0, 0x0000_FFFF_C633_640AL));
    }

    @Test
    void shouldRoundTripIpv6() {
        long high = Lab.high("2001:db8::1:2");
        long low = Lab.low("2001:db8::1:2");
        assertEquals(0x2001_0DB8_0000_0000L, high);
        assertEquals(0x0000_0000_0001_0002L, low);
        assertFalse(IpAddresses.isIPv4(high, low));
        assertEquals(Lab.address("2001:db8::1:2"), IpAddresses.toInetAddress(high, low));
    }

    @Test
    void shouldMaskClientNetworksOfBothFamilies() {
        long v4 = Lab.low("203.0.113.77");
        assertEquals(Lab.low("203.0.113.0"), v4 & IpAddresses.maskLow(true, 24));
        assertEquals(v4, v4 & IpAddresses.maskLow(true, 32));
        assertEquals(Lab.low("0.0.0.0"), v4 & IpAddresses.maskLow(true, 0));
        long high = Lab.high("2001:db8:aaaa:bbbb:cccc::1");
        long low = Lab.low("2001:db8:aaaa:bbbb:cccc::1");
        assertEquals(Lab.high("2001:db8:aaaa::"), high & IpAddresses.maskHigh(false, 48));
        assertEquals(0, low & IpAddresses.maskLow(false, 48));
        assertEquals(Lab.low("2001:db8:aaaa:bbbb:cccc::"), low & IpAddresses.maskLow(false, 80));
        assertEquals(low, low & IpAddresses.maskLow(false, 128));
    }
}
