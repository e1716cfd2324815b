package io.tandem.arp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NeighborAdvertisementFrameTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MAC = HEX.parseHex("02000000000a");

    private static Inet6Address vip() throws Exception {
        return (Inet6Address) InetAddress.getByName("2001:db8::10");
    }

    private static ByteBuffer written() throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(NeighborAdvertisementFrame.FRAME_BYTES);
        NeighborAdvertisementFrame.writeUnsolicited(dst, MAC, vip());
        return dst.flip();
    }

    @Test
    void shouldWriteUnsolicitedOverridingAdvertisementToAllNodes() throws Exception {
        // Checksum 0xf903 computed independently (Python, RFC 4443 2.3 pseudo-header).
        byte[] expected = HEX.parseHex(("333300000001 02000000000a 86dd"         // all-nodes MAC, from us, IPv6
                + "60000000 0020 3a ff"                                          // v6, payload 32, ICMPv6, hop 255
                + "20010db8000000000000000000000010"                             // source: the VIP
                + "ff020000000000000000000000000001"                             // destination: ff02::1
                + "88 00 f903 20000000"                                          // NA, code 0, checksum, O flag
                + "20010db8000000000000000000000010"                             // target: the VIP
                + "02 01 02000000000a").replace(" ", ""));                       // target link-layer address
        ByteBuffer frame = written();
        assertEquals(86, frame.limit());
        assertArrayEquals(expected, frame.array(), HEX.formatHex(frame.array()));
    }

    @Test
    void shouldReadFieldsInPlace() throws Exception {
        NeighborAdvertisementFrame view = new NeighborAdvertisementFrame().wrap(written());

        assertTrue(view.isNeighborAdvertisement());
        assertTrue(view.isChecksumValid());
        assertEquals(255, view.hopLimit());
        assertEquals(NeighborAdvertisementFrame.FLAG_OVERRIDE, view.flags());
        assertEquals(vip(), view.target());
        assertEquals(vip(), view.source());
        assertEquals(InetAddress.getByName("ff02::1"), view.destination());
        byte[] mac = new byte[6];
        assertTrue(view.targetMac(mac));
        assertArrayEquals(MAC, mac);
        view.ethDestination(mac);
        assertArrayEquals(HEX.parseHex("333300000001"), mac);
    }

    @Test
    void shouldDetectACorruptedChecksum() throws Exception {
        ByteBuffer frame = written();
        frame.put(NeighborAdvertisementFrame.TARGET_OFFSET + 15, (byte) 0x11);
        assertFalse(new NeighborAdvertisementFrame().wrap(frame).isChecksumValid());
    }

    @Test
    void shouldKeepChecksumValidForOtherTargets() throws Exception {
        for (String target : new String[] {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::1", "fe80::1"}) {
            ByteBuffer dst = ByteBuffer.allocate(NeighborAdvertisementFrame.FRAME_BYTES);
            NeighborAdvertisementFrame.writeUnsolicited(dst, HEX.parseHex("feffffffffff"),
                    (Inet6Address) InetAddress.getByName(target));
            assertTrue(new NeighborAdvertisementFrame().wrap(dst.flip()).isChecksumValid(), target);
        }
    }

    @Test
    void shouldNotTakeArpForAnAdvertisement() throws Exception {
        ByteBuffer arp = ByteBuffer.allocate(ArpFrame.FRAME_BYTES);
        ArpFrame.writeGratuitousRequest(arp, MAC, (java.net.Inet4Address) InetAddress.getByName("198.51.100.10"));
        assertFalse(new NeighborAdvertisementFrame().wrap(arp.flip()).isNeighborAdvertisement());
    }
}
