package io.tandem.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Byte layout of rtnetlink address and link requests and replies, checked without a kernel. */
class AddressMessageTest {
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void expectedBytesAreLittleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "expected frames are written little-endian");
    }

    private static ByteBuffer buffer() {
        return ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
    }

    private static byte[] written(ByteBuffer buffer) {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static byte[] hex(String spaced) {
        return HEX.parseHex(spaced.replace(" ", ""));
    }

    @Test
    void shouldEncodeIpv4NewAddressWithLocalAddressAndBroadcast() throws Exception {
        ByteBuffer buffer = buffer();
        AddressMessage.writeNewAddress(buffer, 7, 3, InetAddress.getByName("198.51.100.10"), 24);
        byte[] expected = hex(
                "30000000 1400 0506 07000000 00000000" // len 48, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE, seq 7
                        + "02 18 00 00 03000000"       // AF_INET, /24, flags 0, scope universe, ifindex 3
                        + "0800 0200 c633640a"         // IFA_LOCAL 198.51.100.10
                        + "0800 0100 c633640a"         // IFA_ADDRESS 198.51.100.10
                        + "0800 0400 c63364ff");       // IFA_BROADCAST 198.51.100.255
        assertArrayEquals(expected, written(buffer), HEX.formatHex(written(buffer)));
    }

    @Test
    void shouldOmitBroadcastForPointToPointAndHostPrefixes() throws Exception {
        for (int prefix : new int[] {31, 32}) {
            ByteBuffer buffer = buffer();
            AddressMessage.writeNewAddress(buffer, 1, 3, InetAddress.getByName("198.51.100.10"), prefix);
            assertEquals(16 + 8 + 8 + 8, buffer.position(), "/" + prefix);
            assertNoAttribute(buffer, AddressMessage.IFA_BROADCAST);
        }
    }

    @Test
    void shouldEncodeIpv6NewAddressWithoutDuplicateAddressDetection() throws Exception {
        ByteBuffer buffer = buffer();
        AddressMessage.writeNewAddress(buffer, 9, 5, InetAddress.getByName("2001:db8::10"), 64);
        byte[] expected = hex(
                "2c000000 1400 0506 09000000 00000000" // len 44
                        + "0a 40 02 00 05000000"       // AF_INET6, /64, IFA_F_NODAD, ifindex 5
                        + "1400 0100 20010db8000000000000000000000010"); // IFA_ADDRESS
        assertArrayEquals(expected, written(buffer), HEX.formatHex(written(buffer)));
    }

    @Test
    void shouldEncodeIpv4DeleteWithoutBroadcastOrCreateFlags() throws Exception {
        ByteBuffer buffer = buffer();
        AddressMessage.writeDeleteAddress(buffer, 8, 3, InetAddress.getByName("198.51.100.10"), 24);
        byte[] expected = hex(
                "28000000 1500 0500 08000000 00000000" // len 40, RTM_DELADDR, REQUEST|ACK
                        + "02 18 00 00 03000000"
                        + "0800 0200 c633640a"
                        + "0800 0100 c633640a");
        assertArrayEquals(expected, written(buffer), HEX.formatHex(written(buffer)));
    }

    @Test
    void shouldEncodeIpv6DeleteWithAddressOnly() throws Exception {
        ByteBuffer buffer = buffer();
        AddressMessage.writeDeleteAddress(buffer, 8, 5, InetAddress.getByName("2001:db8::10"), 64);
        byte[] expected = hex(
                "2c000000 1500 0500 08000000 00000000"
                        + "0a 40 00 00 05000000"
                        + "1400 0100 20010db8000000000000000000000010");
        assertArrayEquals(expected, written(buffer), HEX.formatHex(written(buffer)));
    }

    @Test
    void shouldEncodeAddressDumpRequest() {
        ByteBuffer buffer = buffer();
        AddressMessage.writeDumpRequest(buffer, 2);
        assertArrayEquals(hex("18000000 1600 0103 02000000 00000000 00 00 00 00 00000000"), written(buffer));
    }

    @Test
    void shouldEncodeLinkLookupByNameWithNulTerminatedPaddedName() {
        ByteBuffer buffer = buffer();
        LinkMessage.writeGetByName(buffer, 4, "d0");
        byte[] expected = hex(
                "28000000 1200 0500 04000000 00000000"   // len 40, RTM_GETLINK, REQUEST|ACK
                        + "00 00 0000 00000000 00000000 00000000" // ifinfomsg, index 0: look up by name
                        + "0700 0300 643000 00");        // IFLA_IFNAME "d0\0" + 1 byte pad
        assertArrayEquals(expected, written(buffer), HEX.formatHex(written(buffer)));
    }

    @Test
    void shouldRejectPrefixLongerThanTheAddress() throws Exception {
        InetAddress v4 = InetAddress.getByName("198.51.100.10");
        InetAddress v6 = InetAddress.getByName("2001:db8::10");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AddressMessage.writeNewAddress(buffer(), 1, 3, v4, 33));
        assertEquals("prefixLength=33 for 198.51.100.10 must be 0..32", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AddressMessage.writeNewAddress(buffer(), 1, 3, v6, 129));
    }

    @Test
    void shouldComputeDirectedBroadcast() {
        assertArrayEquals(new byte[] {(byte) 198, 51, 100, (byte) 255},
                AddressMessage.broadcast(new byte[] {(byte) 198, 51, 100, 10}, 24));
        assertArrayEquals(new byte[] {(byte) 198, 51, 100, 11},
                AddressMessage.broadcast(new byte[] {(byte) 198, 51, 100, 9}, 30));
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, AddressMessage.broadcast(new byte[] {10, 0, 0, 1}, 0));
    }

    @Test
    void shouldDecodeKernelIpv4AddressPreferringLocalOverPeer() throws Exception {
        // As the kernel sends it for a point-to-point address: IFA_ADDRESS is the peer.
        ByteBuffer buffer = buffer();
        buffer.put(hex("4c000000 1400 0200 05000000 39300000"
                + "02 20 80 00 07000000"           // AF_INET /32 permanent, ifindex 7
                + "0800 0100 c6336401"             // IFA_ADDRESS (peer) 198.51.100.1
                + "0800 0200 c633640a"             // IFA_LOCAL 198.51.100.10
                + "0700 0300 763000 00"            // IFA_LABEL "v0"
                + "0800 0800 80000000"             // IFA_FLAGS
                + "1400 0600 ffffffff ffffffff 01000000 01000000")); // IFA_CACHEINFO
        InterfaceAddressEntry entry = AddressMessage.read(buffer, 0);
        assertEquals(new InterfaceAddressEntry(7, null, InetAddress.getByName("198.51.100.10"), 32), entry);
    }

    @Test
    void shouldDecodeKernelIpv6Address() throws Exception {
        ByteBuffer buffer = buffer();
        buffer.put(hex("2c000000 1400 0200 05000000 39300000"
                + "0a 40 80 00 02000000"
                + "1400 0100 20010db8000000000000000000000010"));
        assertEquals(new InterfaceAddressEntry(2, null, InetAddress.getByName("2001:db8::10"), 64),
                AddressMessage.read(buffer, 0));
    }

    @Test
    void shouldSkipMessagesThatAreNotAddresses() {
        ByteBuffer buffer = buffer();
        buffer.put(hex("18000000 1400 0200 05000000 39300000 11 00 00 00 02000000")); // AF_PACKET family
        assertNull(AddressMessage.read(buffer, 0));
        buffer.clear();
        buffer.put(hex("18000000 1000 0200 05000000 39300000 00 00 00 00 02000000")); // RTM_NEWLINK
        assertNull(AddressMessage.read(buffer, 0));
    }

    @Test
    void shouldDecodeLinkIndexAndName() {
        ByteBuffer buffer = buffer();
        buffer.put(hex("30000000 1000 0200 05000000 39300000"
                + "00 00 0100 04000000 43100100 00000000" // ARPHRD_ETHER, ifindex 4
                + "0800 0d00 dc050000"                    // IFLA_TXQLEN, skipped
                + "0700 0300 643000 00"));                // IFLA_IFNAME "d0"
        assertEquals(4, LinkMessage.index(buffer, 0));
        assertEquals("d0", LinkMessage.name(buffer, 0));
    }

    @Test
    void shouldReadErrorCodeAndExtendedAckMessage() {
        ByteBuffer buffer = buffer();
        buffer.put(hex("38000000 0200 0003 07000000 00000000" // NLMSG_ERROR, CAPPED|ACK_TLVS
                + "efffffff"                                  // -17
                + "30000000 1400 0506 07000000 00000000"      // the request's header only
                + "1300 0100 4164647265737320657869737473 00 00")); // NLMSGERR_ATTR_MSG
        assertEquals(-17, NetlinkMessage.errorCode(buffer, 0));
        assertEquals("Address exists", NetlinkMessage.extendedAckMessage(buffer, 0));
    }

    @Test
    void shouldReadAckWithoutExtendedMessage() {
        ByteBuffer buffer = buffer();
        buffer.put(hex("24000000 0200 0001 07000000 00000000 00000000 30000000 1400 0506 07000000 00000000"));
        assertEquals(0, NetlinkMessage.errorCode(buffer, 0));
        assertNull(NetlinkMessage.extendedAckMessage(buffer, 0));
    }

    private static void assertNoAttribute(ByteBuffer buffer, int type) {
        assertEquals(-1, NetlinkMessage.findAttribute(buffer, 16 + 8, buffer.position(), type));
    }
}
