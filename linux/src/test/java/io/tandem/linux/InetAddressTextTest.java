package io.tandem.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class InetAddressTextTest {
    private static String text(String address) throws Exception {
        return InetAddressText.of(InetAddress.getByName(address));
    }

    @Test
    void shouldWriteIpv4AsDottedQuad() throws Exception {
        assertEquals("198.51.100.10", text("198.51.100.10"));
    }

    @Test
    void shouldCollapseTheLongestRunOfZeroGroups() throws Exception {
        assertEquals("2001:db8::10", text("2001:db8:0:0:0:0:0:10"));
        assertEquals("2001:db8:0:1::1", text("2001:db8:0:1:0:0:0:1"));
        assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1"));
        assertEquals("::", text("::"));
        assertEquals("::1", text("::1"));
        assertEquals("fe80::", text("fe80::"));
    }

    @Test
    void shouldNotCollapseASingleZeroGroup() throws Exception {
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"));
    }

    @Test
    void shouldCollapseTheFirstOfEqualRuns() throws Exception {
        assertEquals("2001::1:0:0:1:1", text("2001:0:0:1:0:0:1:1"));
    }
}
