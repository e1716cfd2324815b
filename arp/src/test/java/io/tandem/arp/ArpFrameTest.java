package io.tandem.arp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ArpFrameTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MAC = HEX.parseHex("02000000000a");

    private static Inet4Address vip() throws Exception {
        return (Inet4Address) InetAddress.getByName("198.51.100.10");
    }

    private static byte[] hex(String spaced) {
        return HEX.parseHex(spaced.replace(" ", ""));
    }

    @Test
    void shouldWriteGratuitousRequestAsSpecified() throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(100);
        ArpFrame.writeGratuitousRequest(dst, MAC, vip());

        byte[] expected = hex("ffffffffffff 02000000000a 0806" // broadcast, from us, ARP
                + "0001 0800 06 04 0001"                      // Ethernet, IPv4, 6, 4, request
                + "02000000000a c633640a"                     // sha, spa = VIP
                + "000000000000 c633640a"                     // tha zero, tpa = VIP
                + "000000000000000000000000000000000000");    // 18 bytes padding to 60
        assertEquals(60, dst.position());
        assertArrayEquals(expected, Arrays.copyOf(dst.array(), 60), HEX.formatHex(dst.array(), 0, 60));
    }

    @Test
    void shouldWriteGratuitousReplyWithTargetMacEqualToSender() throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(60);
        ArpFrame.writeGratuitousReply(dst, MAC, vip());

        byte[] expected = hex("ffffffffffff 02000000000a 0806 0001 0800 06 04 0002"
                + "02000000000a c633640a 02000000000a c633640a"
                + "000000000000000000000000000000000000");
        assertArrayEquals(expected, dst.array(), HEX.formatHex(dst.array()));
    }

    @Test
    void shouldWriteAtThePositionWhateverTheBufferByteOrder() throws Exception {
        ByteBuffer reference = ByteBuffer.allocate(60);
        ArpFrame.writeGratuitousRequest(reference, MAC, vip());
        ByteBuffer dst = ByteBuffer.allocateDirect(80).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 80; i++) {
            dst.put(i, (byte) 0x55); // garbage the writer must overwrite, padding included
        }
        dst.position(7);

        ArpFrame.writeGratuitousRequest(dst, MAC, vip());

        assertEquals(67, dst.position());
        byte[] written = new byte[60];
        dst.get(7, written);
        assertArrayEquals(reference.array(), written);
        assertEquals(0x55, dst.get(6));
        assertEquals(0x55, dst.get(67));
    }

    @Test
    void shouldRefuseShortBufferAndWrongMacLength() throws Exception {
        Inet4Address vip = vip();
        assertThrows(IllegalArgumentException.class,
                () -> ArpFrame.writeGratuitousRequest(ByteBuffer.allocate(59), MAC, vip));
        assertThrows(IllegalArgumentException.class,
                () -> ArpFrame.writeGratuitousRequest(ByteBuffer.allocate(60), new byte[5], vip));
    }

    @Test
    void shouldReadFieldsInPlace() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(70);
        frame.position(10);
        ArpFrame.writeGratuitousReply(frame, MAC, vip());
        frame.flip().position(10);

        ArpFrame view = new ArpFrame().wrap(frame);

        assertTrue(view.isIpv4OverEthernet());
        assertTrue(view.isGratuitous());
        assertEquals(ArpFrame.OPER_REPLY, view.operation());
        assertEquals(vip(), view.senderIp());
        assertEquals(vip(), view.targetIp());
        assertEquals(0xC633640A, view.senderIpv4());
        byte[] mac = new byte[6];
        view.senderMac(mac);
        assertArrayEquals(MAC, mac);
        view.targetMac(mac);
        assertArrayEquals(MAC, mac);
        view.ethSource(mac);
        assertArrayEquals(MAC, mac);
        view.ethDestination(mac);
        assertArrayEquals(hex("ffffffffffff"), mac);
    }

    @Test
    void shouldNotTakeOtherFramesForArp() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(60);
        ArpFrame.writeGratuitousRequest(frame, MAC, vip());
        frame.flip();
        ArpFrame view = new ArpFrame();

        frame.put(ArpFrame.ETH_TYPE_OFFSET + 1, (byte) 0x00); // 0x0800: IPv4, not ARP
        assertFalse(view.wrap(frame).isIpv4OverEthernet());

        frame.put(ArpFrame.ETH_TYPE_OFFSET + 1, (byte) 0x06);
        assertTrue(view.wrap(frame).isIpv4OverEthernet());
        assertFalse(view.wrap(frame.limit(41)).isIpv4OverEthernet(), "truncated");
    }

    @Test
    void shouldTellQuestionsFromAnnouncements() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(60);
        ArpFrame.writeGratuitousRequest(frame, MAC, vip());
        frame.flip();
        frame.put(ArpFrame.TPA_OFFSET + 3, (byte) 1); // who-has 198.51.100.1
        assertFalse(new ArpFrame().wrap(frame).isGratuitous());
    }
}
