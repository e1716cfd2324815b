package io.tandem.director.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.director.IpAddresses;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Parsing, checksum completion and the DR / NAT / TUN rewrites against the slow reference. */
class PacketRewriterTest {
    private static final int CLIENT = 0xCB00_7105;
    private static final int VIP = 0xC633_640A;
    private static final int SERVER = 0xC633_6515;
    private static final long SERVER_MAC = 0x02_00_00_00_00_21L;
    private static final long[] CLIENT6 = {0x2001_0db8_0000_0001L, 0x5L};
    private static final long[] VIP6 = {0x2001_0db8_0000_0000L, 0x10L};
    private static final long[] SERVER6 = {0x2001_0db8_0000_0002L, 0x21L};

    private final PacketView view = new PacketView();

    @Test
    void shouldParseIpv4TcpIgnoringEthernetPadding() {
        ByteBuffer b = TestFrames.ipv4(6, CLIENT, 40000, VIP, 80, 0, 7, 6, 1);
        assertEquals(PacketView.OK, view.parse(b, 7, b.capacity() - 7));
        assertTrue(view.isIpv4());
        assertEquals(6, view.protocol());
        assertEquals(IpAddresses.ipv4Low(CLIENT), view.sourceLow());
        assertEquals(IpAddresses.ipv4Low(VIP), view.destinationLow());
        assertEquals(40000, view.sourcePort());
        assertEquals(80, view.destinationPort());
        assertEquals(0x18, view.tcpFlags());
        assertEquals(20, view.l4Length());
        assertEquals(54, view.usedFrameLength());
        assertTrue(TestFrames.checksumsVerify(view));
    }

    @Test
    void shouldParseIpv6Udp() {
        ByteBuffer b = TestFrames.ipv6(17, CLIENT6, 5353, VIP6, 53, 33, 0, 2);
        assertEquals(PacketView.OK, view.parse(b, 0, b.capacity()));
        assertFalse(view.isIpv4());
        assertEquals(VIP6[0], view.destinationHigh());
        assertEquals(VIP6[1], view.destinationLow());
        assertEquals(53, view.destinationPort());
        assertEquals(41, view.l4Length());
        assertTrue(TestFrames.checksumsVerify(view));
    }

    @Test
    void shouldClassifyWhatItCannotForward() {
        ByteBuffer arp = ByteBuffer.allocate(60);
        arp.putShort(12, (short) 0x0806);
        assertEquals(PacketView.NOT_IP, view.parse(arp, 0, 60));
        ByteBuffer b = TestFrames.ipv4(6, CLIENT, 1, VIP, 80, 10, 0, 0, 3);
        assertEquals(PacketView.MALFORMED, view.parse(b, 0, b.capacity() - 1), "cut short");
        b.putShort(14 + 6, (short) 0x2000);
        assertEquals(PacketView.FRAGMENT, view.parse(b, 0, b.capacity()));
        ByteBuffer icmp = TestFrames.ipv4(6, CLIENT, 1, VIP, 80, 10, 0, 0, 3);
        icmp.put(14 + 9, (byte) 1);
        assertEquals(PacketView.UNSUPPORTED, view.parse(icmp, 0, icmp.capacity()));
    }

    @Test
    void shouldCompletePartialChecksumsOfEveryLength() {
        for (int payload = 0; payload < 64; payload++) {
            for (int protocol : new int[] {6, 17}) {
                ByteBuffer b = payload % 2 == 0 ? TestFrames.ipv4(protocol, CLIENT, 1000 + payload, VIP, 80, payload, 0, 5, payload)
                        : TestFrames.ipv6(protocol, CLIENT6, 1000, VIP6, 80, payload, 3, payload);
                int offset = payload % 2 == 0 ? 0 : 3;
                view.parse(b, offset, b.capacity() - offset);
                int full = b.getShort(view.checksumOffset()) & 0xFFFF;
                TestFrames.makePartial(view);
                assertFalse(TestFrames.checksumsVerify(view), "a partial checksum does not verify");
                PacketRewriter.completeChecksum(view);
                assertEquals(full, b.getShort(view.checksumOffset()) & 0xFFFF, "payload " + payload);
                assertTrue(TestFrames.checksumsVerify(view));
            }
        }
    }

    @Test
    void shouldKeepChecksumsValidThroughNatBothWays() {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            int protocol = r.nextBoolean() ? 6 : 17;
            int client = r.nextInt();
            int clientPort = r.nextInt(65536);
            int server = r.nextInt();
            int serverPort = r.nextInt(65536);
            ByteBuffer b = TestFrames.ipv4(protocol, client, clientPort, VIP, 80, r.nextInt(100), 0, 0, i);
            view.parse(b, 0, b.capacity());
            PacketRewriter.natToServer(view, 0, IpAddresses.ipv4Low(server), serverPort, SERVER_MAC,
                    TestFrames.DIRECTOR_MAC);
            assertEquals(PacketView.OK, view.parse(b, 0, b.capacity()));
            assertEquals(IpAddresses.ipv4Low(server), view.destinationLow());
            assertEquals(serverPort, view.destinationPort());
            assertEquals(SERVER_MAC, EthernetFrame.mac(b, 0));
            assertTrue(TestFrames.checksumsVerify(view), "to server, case " + i);

            ByteBuffer reply = TestFrames.ipv4(protocol, server, serverPort, client, clientPort, r.nextInt(100), 0, 0, i);
            view.parse(reply, 0, reply.capacity());
            PacketRewriter.natToClient(view, 0, IpAddresses.ipv4Low(VIP), 80, TestFrames.CLIENT_MAC,
                    TestFrames.DIRECTOR_MAC);
            view.parse(reply, 0, reply.capacity());
            assertEquals(IpAddresses.ipv4Low(VIP), view.sourceLow());
            assertEquals(80, view.sourcePort());
            assertTrue(TestFrames.checksumsVerify(view), "to client, case " + i);
        }
    }

    @Test
    void shouldKeepIpv6ChecksumsValidThroughNat() {
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            int protocol = r.nextBoolean() ? 6 : 17;
            long[] server = {r.nextLong(), r.nextLong()};
            ByteBuffer b = TestFrames.ipv6(protocol, CLIENT6, r.nextInt(65536), VIP6, 443, r.nextInt(80), 0, i);
            view.parse(b, 0, b.capacity());
            PacketRewriter.natToServer(view, server[0], server[1], 8443, SERVER_MAC, TestFrames.DIRECTOR_MAC);
            view.parse(b, 0, b.capacity());
            assertEquals(server[1], view.destinationLow());
            assertTrue(TestFrames.checksumsVerify(view), "case " + i);
        }
    }

    @Test
    void shouldLeaveAMissingUdpChecksumMissing() {
        ByteBuffer b = TestFrames.ipv4(17, CLIENT, 5000, VIP, 53, 20, 0, 0, 9);
        view.parse(b, 0, b.capacity());
        b.putShort(view.checksumOffset(), (short) 0);
        PacketRewriter.natToServer(view, 0, IpAddresses.ipv4Low(SERVER), 53, SERVER_MAC, TestFrames.DIRECTOR_MAC);
        assertEquals(0, b.getShort(view.checksumOffset()));
    }

    @Test
    void shouldOnlyChangeMacsForDirectRouting() {
        ByteBuffer b = TestFrames.ipv4(6, CLIENT, 40000, VIP, 80, 30, 0, 0, 4);
        ByteBuffer before = ByteBuffer.allocate(b.capacity()).put(b.duplicate().clear());
        view.parse(b, 0, b.capacity());
        PacketRewriter.directRoute(view, SERVER_MAC, TestFrames.DIRECTOR_MAC);
        assertEquals(SERVER_MAC, EthernetFrame.mac(b, 0));
        assertEquals(TestFrames.DIRECTOR_MAC, EthernetFrame.mac(b, 6));
        assertEquals(before.slice(12, b.capacity() - 12), b.slice(12, b.capacity() - 12));
    }

    @Test
    void shouldEncapsulateIpv4InIpv4WithDfCopiedAndAValidHeader() {
        ByteBuffer b = TestFrames.ipv4(6, CLIENT, 40000, VIP, 80, 100, 0, 0, 5);
        view.parse(b, 0, b.capacity());
        ByteBuffer out = ByteBuffer.allocate(2048);
        int director = 0xC633_6501;
        int length = PacketRewriter.encapsulate(view, out, SERVER_MAC, TestFrames.DIRECTOR_MAC, 0,
                IpAddresses.ipv4Low(director), 0, IpAddresses.ipv4Low(SERVER), 77);
        assertEquals(PacketRewriter.tunnelFrameBytes(view, true), length);
        assertEquals(14 + 20 + view.ipLength(), length);
        assertEquals(SERVER_MAC, EthernetFrame.mac(out, 0));
        assertEquals(0x0800, out.getShort(12));
        assertEquals(0x45, out.get(14));
        assertEquals(0x10, out.get(15), "TOS copied");
        assertEquals(20 + view.ipLength(), out.getShort(16));
        assertEquals(Ipv4Header.DF, out.getShort(20), "DF copied");
        assertEquals(4, out.get(23), "protocol IPIP");
        assertEquals(director, out.getInt(26));
        assertEquals(SERVER, out.getInt(30));
        assertEquals(0xFFFF, TestFrames.slowSum(out, 14, 20, 0), "outer header checksum");
        assertEquals(b.slice(14, view.ipLength()), out.slice(34, view.ipLength()), "inner packet intact");
    }

    @Test
    void shouldEncapsulateIpv6InIpv6WithNextHeader41() {
        ByteBuffer b = TestFrames.ipv6(6, CLIENT6, 40000, VIP6, 80, 10, 0, 6);
        view.parse(b, 0, b.capacity());
        ByteBuffer out = ByteBuffer.allocate(2048);
        long[] director = {0x2001_0db8_0000_0002L, 1};
        int length = PacketRewriter.encapsulate(view, out, SERVER_MAC, TestFrames.DIRECTOR_MAC, director[0],
                director[1], SERVER6[0], SERVER6[1], 0);
        assertEquals(14 + 40 + view.ipLength(), length);
        assertEquals((short) 0x86DD, out.getShort(12));
        assertEquals(6, (out.get(14) & 0xF0) >> 4);
        assertEquals(view.ipLength(), out.getShort(14 + 4));
        assertEquals(41, out.get(14 + 6));
        assertEquals(SERVER6[1], out.getLong(14 + 32));
        PacketView inner = new PacketView();
        ByteBuffer innerFrame = ByteBuffer.allocate(14 + view.ipLength());
        innerFrame.putShort(12, (short) 0x86DD).put(14, out, 54, view.ipLength());
        assertEquals(PacketView.OK, inner.parse(innerFrame, 0, innerFrame.capacity()));
        assertTrue(TestFrames.checksumsVerify(inner));
    }
}
