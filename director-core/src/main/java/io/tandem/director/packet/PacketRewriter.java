package io.tandem.director.packet;

import io.tandem.director.IpAddresses;
import java.nio.ByteBuffer;

/**
 * The rewrites of the three forwarding methods, in place on a frame {@link PacketView} parsed
 * (IPIP builds a new frame). Allocation-free.
 *
 * <pre>
 *  DR   client ──► [dst MAC := server's, src MAC := ours]                         ──► server
 *  NAT  client ──► [dst IP:port := server's, checksums updated, MACs]             ──► server
 *       server ──► [src IP:port := VIP:port, checksums updated, MACs]             ──► client
 *  TUN  client ──► [Ethernet | outer IP (proto 4 or 41) | the client's packet]    ──► server
 *
 *  outer IPv4 (server is IPv4):  45 | TOS of inner | 20+inner | id | DF of inner | TTL 64 | 4/41 | csum
 *                                | tunnel source | server
 *  outer IPv6 (server is IPv6):  6 | class of inner | payload=inner | next 4/41 | hop limit 64
 *                                | tunnel source | server
 * </pre>
 *
 * A frame whose transport checksum is partial must be completed ({@link #completeChecksum})
 * before any rewrite: packet sockets send what they are given, and NAT's incremental update
 * needs a complete checksum to update.
 */
public final class PacketRewriter {
    private PacketRewriter() {
    }

    /** Completes the TCP/UDP checksum of a {@code CHECKSUM_PARTIAL} frame. */
    public static void completeChecksum(PacketView v) {
        Checksums.completePartial(v.buffer(), v.l4Offset(), v.l4Length(), v.checksumOffset(),
                v.protocol() == TransportHeader.UDP);
    }

    /** Direct routing: the frame goes to {@code serverMac} from {@code ourMac}, otherwise untouched. */
    public static void directRoute(PacketView v, long serverMac, long ourMac) {
        EthernetFrame.putMacs(v.buffer(), v.frameOffset(), serverMac, ourMac);
    }

    /** NAT, client to server: destination becomes the server's address and port. */
    public static void natToServer(PacketView v, long serverHigh, long serverLow, int serverPort, long serverMac,
            long ourMac) {
        rewrite(v, true, serverHigh, serverLow, serverPort);
        EthernetFrame.putMacs(v.buffer(), v.frameOffset(), serverMac, ourMac);
    }

    /** NAT, server to client: source becomes the virtual service's address and port. */
    public static void natToClient(PacketView v, long virtualHigh, long virtualLow, int virtualPort, long clientMac,
            long ourMac) {
        rewrite(v, false, virtualHigh, virtualLow, virtualPort);
        EthernetFrame.putMacs(v.buffer(), v.frameOffset(), clientMac, ourMac);
    }

    private static void rewrite(PacketView v, boolean destination, long newHigh, long newLow, int newPort) {
        ByteBuffer b = v.buffer();
        boolean ipv4 = v.isIpv4();
        int l3 = v.l3Offset();
        long oldHigh = destination ? v.destinationHigh() : v.sourceHigh();
        long oldLow = destination ? v.destinationLow() : v.sourceLow();
        int portOffset = v.l4Offset() + (destination ? TransportHeader.DESTINATION_PORT : TransportHeader.SOURCE_PORT);
        long oldAddress = Checksums.addressWords(ipv4, oldHigh, oldLow);
        long newAddress = Checksums.addressWords(ipv4, newHigh, newLow);
        int oldPort = b.getShort(portOffset) & 0xFFFF;
        int checksumOffset = v.checksumOffset();
        boolean udp = v.protocol() == TransportHeader.UDP;
        int checksum = b.getShort(checksumOffset) & 0xFFFF;
        if (!(udp && ipv4 && checksum == 0)) {
            int c = Checksums.update(checksum, oldAddress + oldPort, newAddress + newPort);
            b.putShort(checksumOffset, (short) (udp && c == 0 ? 0xFFFF : c));
        }
        b.putShort(portOffset, (short) newPort);
        if (ipv4) {
            Checksums.updateField(b, l3 + Ipv4Header.CHECKSUM, oldAddress, newAddress);
            b.putInt(l3 + (destination ? Ipv4Header.DESTINATION : Ipv4Header.SOURCE), (int) newLow);
        } else {
            int at = l3 + (destination ? Ipv6Header.DESTINATION : Ipv6Header.SOURCE);
            b.putLong(at, newHigh);
            b.putLong(at + 8, newLow);
        }
    }

    /** Bytes the IPIP frame of {@code v} to a server of this family takes. */
    public static int tunnelFrameBytes(PacketView v, boolean serverIpv4) {
        return EthernetFrame.HEADER_BYTES + (serverIpv4 ? Ipv4Header.MIN_BYTES : Ipv6Header.BYTES) + v.ipLength();
    }

    /**
     * IP-in-IP: writes into {@code out} from index 0 a frame to {@code serverMac} carrying the
     * client's IP packet inside an outer header from {@code source} to {@code server} (both of
     * one family). The caller checks {@link #tunnelFrameBytes} against the MTU and the space.
     *
     * @param identification the outer IPv4 header's identification field
     * @return the frame's length
     */
    public static int encapsulate(PacketView v, ByteBuffer out, long serverMac, long ourMac, long sourceHigh,
            long sourceLow, long serverHigh, long serverLow, int identification) {
        ByteBuffer in = v.buffer();
        boolean outerIpv4 = IpAddresses.isIPv4(serverHigh, serverLow);
        int inner = v.ipLength();
        int outerBytes = outerIpv4 ? Ipv4Header.MIN_BYTES : Ipv6Header.BYTES;
        int o = EthernetFrame.HEADER_BYTES;
        out.put(o + outerBytes, in, v.l3Offset(), inner);
        EthernetFrame.putMacs(out, 0, serverMac, ourMac);
        int innerProtocol = v.isIpv4() ? Ipv4Header.PROTOCOL_IPIP : Ipv4Header.PROTOCOL_IPV6;
        int trafficClass = v.isIpv4() ? in.get(v.l3Offset() + Ipv4Header.TOS) & 0xFF
                : (in.getInt(v.l3Offset()) >>> 20) & 0xFF;
        if (outerIpv4) {
            out.putShort(EthernetFrame.ETHER_TYPE, (short) EthernetFrame.TYPE_IPV4);
            boolean dontFragment = !v.isIpv4()
                    || (in.getShort(v.l3Offset() + Ipv4Header.FLAGS_FRAGMENT) & Ipv4Header.DF) != 0;
            out.put(o + Ipv4Header.VERSION_IHL, (byte) 0x45);
            out.put(o + Ipv4Header.TOS, (byte) trafficClass);
            out.putShort(o + Ipv4Header.TOTAL_LENGTH, (short) (outerBytes + inner));
            out.putShort(o + Ipv4Header.IDENTIFICATION, (short) identification);
            out.putShort(o + Ipv4Header.FLAGS_FRAGMENT, (short) (dontFragment ? Ipv4Header.DF : 0));
            out.put(o + Ipv4Header.TTL, (byte) Ipv4Header.DEFAULT_TTL);
            out.put(o + Ipv4Header.PROTOCOL, (byte) innerProtocol);
            out.putInt(o + Ipv4Header.SOURCE, (int) sourceLow);
            out.putInt(o + Ipv4Header.DESTINATION, (int) serverLow);
            Checksums.writeIpv4HeaderChecksum(out, o, Ipv4Header.MIN_BYTES);
        } else {
            out.putShort(EthernetFrame.ETHER_TYPE, (short) EthernetFrame.TYPE_IPV6);
            out.putInt(o + Ipv6Header.VERSION_CLASS_FLOW, 6 << 28 | trafficClass << 20);
            out.putShort(o + Ipv6Header.PAYLOAD_LENGTH, (short) inner);
            out.put(o + Ipv6Header.NEXT_HEADER, (byte) innerProtocol);
            out.put(o + Ipv6Header.HOP_LIMIT, (byte) Ipv4Header.DEFAULT_TTL);
            out.putLong(o + Ipv6Header.SOURCE, sourceHigh);
            out.putLong(o + Ipv6Header.SOURCE + 8, sourceLow);
            out.putLong(o + Ipv6Header.DESTINATION, serverHigh);
            out.putLong(o + Ipv6Header.DESTINATION + 8, serverLow);
        }
        return o + outerBytes + inner;
    }
}
