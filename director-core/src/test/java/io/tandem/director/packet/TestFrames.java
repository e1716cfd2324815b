package io.tandem.director.packet;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Builds TCP/UDP frames over IPv4 or IPv6 with checksums computed the slow, obvious way (16-bit
 * words one by one), as the reference the fast code is checked against.
 */
final class TestFrames {
    static final long CLIENT_MAC = 0x02_00_00_00_00_01L;
    static final long DIRECTOR_MAC = 0x02_00_00_00_00_10L;

    private TestFrames() {
    }

    /** An IPv4 frame in a buffer of its own, at {@code offset}, with {@code padding} bytes after it. */
    static ByteBuffer ipv4(int protocol, int source, int sourcePort, int destination, int destinationPort,
            int payloadBytes, int offset, int padding, long seed) {
        int l4Header = protocol == TransportHeader.TCP ? 20 : 8;
        int ipLength = 20 + l4Header + payloadBytes;
        ByteBuffer b = ByteBuffer.allocate(offset + 14 + ipLength + padding);
        EthernetFrame.putMacs(b, offset, DIRECTOR_MAC, CLIENT_MAC);
        b.putShort(offset + 12, (short) EthernetFrame.TYPE_IPV4);
        int l3 = offset + 14;
        b.put(l3, (byte) 0x45);
        b.put(l3 + 1, (byte) 0x10);
        b.putShort(l3 + 2, (short) ipLength);
        b.putShort(l3 + 4, (short) 0x1234);
        b.putShort(l3 + 6, (short) Ipv4Header.DF);
        b.put(l3 + 8, (byte) 63);
        b.put(l3 + 9, (byte) protocol);
        b.putInt(l3 + 12, source);
        b.putInt(l3 + 16, destination);
        b.putShort(l3 + 10, (short) ~slowSum(b, l3, 20, 0));
        int l4 = l3 + 20;
        fillTransport(b, protocol, l4, l4Header, sourcePort, destinationPort, payloadBytes, seed);
        long pseudo = words32(source) + words32(destination) + protocol + (l4Header + payloadBytes);
        b.putShort(l4 + TransportHeader.checksumOffset(protocol),
                (short) ~slowSum(b, l4, l4Header + payloadBytes, pseudo));
        return b;
    }

    /** An IPv6 frame at {@code offset}. */
    static ByteBuffer ipv6(int protocol, long[] source, int sourcePort, long[] destination, int destinationPort,
            int payloadBytes, int offset, long seed) {
        int l4Header = protocol == TransportHeader.TCP ? 20 : 8;
        int payload = l4Header + payloadBytes;
        ByteBuffer b = ByteBuffer.allocate(offset + 14 + 40 + payload);
        EthernetFrame.putMacs(b, offset, DIRECTOR_MAC, CLIENT_MAC);
        b.putShort(offset + 12, (short) EthernetFrame.TYPE_IPV6);
        int l3 = offset + 14;
        b.putInt(l3, 6 << 28 | 0x20 << 20 | 0x12345);
        b.putShort(l3 + 4, (short) payload);
        b.put(l3 + 6, (byte) protocol);
        b.put(l3 + 7, (byte) 64);
        b.putLong(l3 + 8, source[0]);
        b.putLong(l3 + 16, source[1]);
        b.putLong(l3 + 24, destination[0]);
        b.putLong(l3 + 32, destination[1]);
        int l4 = l3 + 40;
        fillTransport(b, protocol, l4, l4Header, sourcePort, destinationPort, payloadBytes, seed);
        long pseudo = Checksums.words(source[0]) + Checksums.words(source[1]) + Checksums.words(destination[0])
                + Checksums.words(destination[1]) + protocol + payload;
        b.putShort(l4 + TransportHeader.checksumOffset(protocol), (short) ~slowSum(b, l4, payload, pseudo));
        return b;
    }

    private static void fillTransport(ByteBuffer b, int protocol, int l4, int l4Header, int sourcePort,
            int destinationPort, int payloadBytes, long seed) {
        b.putShort(l4, (short) sourcePort);
        b.putShort(l4 + 2, (short) destinationPort);
        if (protocol == TransportHeader.TCP) {
            b.putInt(l4 + 4, 1000);
            b.put(l4 + 12, (byte) 0x50);
            b.put(l4 + 13, (byte) 0x18);
            b.putShort(l4 + 14, (short) 512);
        } else {
            b.putShort(l4 + 4, (short) (8 + payloadBytes));
        }
        Random r = new Random(seed);
        for (int i = 0; i < payloadBytes; i++) {
            b.put(l4 + l4Header + i, (byte) r.nextInt());
        }
    }

    static long words32(int v) {
        return (v >>> 16) + (v & 0xFFFF);
    }

    /** The folded one's-complement sum, word by word. */
    static int slowSum(ByteBuffer b, int offset, int length, long initial) {
        long s = initial;
        for (int i = 0; i < length; i += 2) {
            int hi = b.get(offset + i) & 0xFF;
            int lo = i + 1 < length ? b.get(offset + i + 1) & 0xFF : 0;
            s += hi << 8 | lo;
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /** Whether the IPv4 header and the transport checksum of the parsed frame verify. */
    static boolean checksumsVerify(PacketView v) {
        ByteBuffer b = v.buffer();
        long pseudo;
        if (v.isIpv4()) {
            int ihl = (b.get(v.l3Offset()) & 0xF) * 4;
            if (slowSum(b, v.l3Offset(), ihl, 0) != 0xFFFF) {
                return false;
            }
            pseudo = words32(b.getInt(v.l3Offset() + 12)) + words32(b.getInt(v.l3Offset() + 16));
        } else {
            pseudo = Checksums.words(b.getLong(v.l3Offset() + 8)) + Checksums.words(b.getLong(v.l3Offset() + 16))
                    + Checksums.words(b.getLong(v.l3Offset() + 24)) + Checksums.words(b.getLong(v.l3Offset() + 32));
        }
        pseudo += v.protocol() + v.l4Length();
        return slowSum(b, v.l4Offset(), v.l4Length(), pseudo) == 0xFFFF;
    }

    /** Replaces the transport checksum with the partial form a veth hands over: the pseudo-header sum. */
    static void makePartial(PacketView v) {
        ByteBuffer b = v.buffer();
        long pseudo;
        if (v.isIpv4()) {
            pseudo = words32(b.getInt(v.l3Offset() + 12)) + words32(b.getInt(v.l3Offset() + 16));
        } else {
            pseudo = Checksums.words(b.getLong(v.l3Offset() + 8)) + Checksums.words(b.getLong(v.l3Offset() + 16))
                    + Checksums.words(b.getLong(v.l3Offset() + 24)) + Checksums.words(b.getLong(v.l3Offset() + 32));
        }
        pseudo += v.protocol() + v.l4Length();
        b.putShort(v.checksumOffset(), (short) Checksums.fold(pseudo));
    }
}
