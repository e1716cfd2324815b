package io.tandem.director.packet;

import io.tandem.director.IpAddresses;
import java.nio.ByteBuffer;

/**
 * A flyweight over one Ethernet frame carrying TCP or UDP over IPv4 or IPv6: {@link #parse}
 * reads the headers once and keeps what the forwarding decision and the rewrites need as
 * fields. Reused for every frame; allocates nothing.
 *
 * <pre>
 *  frame ──► Ethernet (14) ──► IPv4 (IHL*4) or IPv6 (40) ──► TCP / UDP ──► payload ──► padding
 *            frameOffset       l3Offset                      l4Offset
 *                              |&lt;──────────── ipLength ─────────────────────────&gt;|
 *                                                            |&lt;─── l4Length ────&gt;|
 * </pre>
 *
 * Only the first header after IPv6 is looked at: extension headers other than a fragment
 * header are {@link #UNSUPPORTED}; fragments are {@link #FRAGMENT} (neither has ports where the
 * forwarder could see them). The IP total length, not the frame length, bounds the packet:
 * Ethernet padding is not part of it.
 */
public final class PacketView {
    /** {@link #parse} result: TCP or UDP over IP, fields valid. */
    public static final int OK = 0;
    /** Not IPv4 or IPv6 (ARP, LLDP, ...): the kernel's business. */
    public static final int NOT_IP = 1;
    /** IP, but neither TCP nor UDP, or behind IPv6 extension headers. */
    public static final int UNSUPPORTED = 2;
    /** A fragment: no ports to decide on. */
    public static final int FRAGMENT = 3;
    /** Shorter than its headers say, or a header is malformed. */
    public static final int MALFORMED = 4;

    private ByteBuffer buffer;
    private int frameOffset;
    private int frameLength;
    private int l3Offset;
    private int l4Offset;
    private boolean ipv4;
    private int protocol;
    private int ipLength;
    private long sourceHigh;
    private long sourceLow;
    private long destinationHigh;
    private long destinationLow;
    private int sourcePort;
    private int destinationPort;
    private int tcpFlags;

    /** Parses the frame of {@code length} bytes at {@code offset} of {@code b} (big-endian). */
    public int parse(ByteBuffer b, int offset, int length) {
        buffer = b;
        frameOffset = offset;
        frameLength = length;
        if (length < EthernetFrame.HEADER_BYTES) {
            return MALFORMED;
        }
        int etherType = b.getShort(offset + EthernetFrame.ETHER_TYPE) & 0xFFFF;
        l3Offset = offset + EthernetFrame.HEADER_BYTES;
        int available = length - EthernetFrame.HEADER_BYTES;
        if (etherType == EthernetFrame.TYPE_IPV4) {
            return parseIpv4(b, available);
        }
        if (etherType == EthernetFrame.TYPE_IPV6) {
            return parseIpv6(b, available);
        }
        return NOT_IP;
    }

    private int parseIpv4(ByteBuffer b, int available) {
        ipv4 = true;
        if (available < Ipv4Header.MIN_BYTES) {
            return MALFORMED;
        }
        int versionIhl = b.get(l3Offset + Ipv4Header.VERSION_IHL) & 0xFF;
        int headerBytes = (versionIhl & 0x0F) * 4;
        ipLength = b.getShort(l3Offset + Ipv4Header.TOTAL_LENGTH) & 0xFFFF;
        if (versionIhl >> 4 != 4 || headerBytes < Ipv4Header.MIN_BYTES || ipLength < headerBytes
                || ipLength > available) {
            return MALFORMED;
        }
        protocol = b.get(l3Offset + Ipv4Header.PROTOCOL) & 0xFF;
        sourceHigh = 0;
        sourceLow = IpAddresses.ipv4Low(b.getInt(l3Offset + Ipv4Header.SOURCE));
        destinationHigh = 0;
        destinationLow = IpAddresses.ipv4Low(b.getInt(l3Offset + Ipv4Header.DESTINATION));
        if ((b.getShort(l3Offset + Ipv4Header.FLAGS_FRAGMENT) & Ipv4Header.MF_OR_OFFSET) != 0) {
            return FRAGMENT;
        }
        return parseTransport(b, l3Offset + headerBytes);
    }

    private int parseIpv6(ByteBuffer b, int available) {
        ipv4 = false;
        if (available < Ipv6Header.BYTES) {
            return MALFORMED;
        }
        if ((b.get(l3Offset) & 0xF0) != 0x60) {
            return MALFORMED;
        }
        ipLength = Ipv6Header.BYTES + (b.getShort(l3Offset + Ipv6Header.PAYLOAD_LENGTH) & 0xFFFF);
        if (ipLength > available) {
            return MALFORMED;
        }
        protocol = b.get(l3Offset + Ipv6Header.NEXT_HEADER) & 0xFF;
        sourceHigh = b.getLong(l3Offset + Ipv6Header.SOURCE);
        sourceLow = b.getLong(l3Offset + Ipv6Header.SOURCE + 8);
        destinationHigh = b.getLong(l3Offset + Ipv6Header.DESTINATION);
        destinationLow = b.getLong(l3Offset + Ipv6Header.DESTINATION + 8);
        if (protocol == Ipv6Header.NEXT_FRAGMENT) {
            return FRAGMENT;
        }
        return parseTransport(b, l3Offset + Ipv6Header.BYTES);
    }

    private int parseTransport(ByteBuffer b, int l4) {
        l4Offset = l4;
        int l4Length = l3Offset + ipLength - l4;
        if (protocol == TransportHeader.TCP) {
            if (l4Length < TransportHeader.TCP_MIN_BYTES) {
                return MALFORMED;
            }
            tcpFlags = b.get(l4 + TransportHeader.TCP_FLAGS) & 0xFF;
        } else if (protocol == TransportHeader.UDP) {
            if (l4Length < TransportHeader.UDP_BYTES) {
                return MALFORMED;
            }
            tcpFlags = 0;
        } else {
            return UNSUPPORTED;
        }
        sourcePort = b.getShort(l4 + TransportHeader.SOURCE_PORT) & 0xFFFF;
        destinationPort = b.getShort(l4 + TransportHeader.DESTINATION_PORT) & 0xFFFF;
        return OK;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int frameOffset() {
        return frameOffset;
    }

    /** Bytes of the frame as received (with any Ethernet padding). */
    public int frameLength() {
        return frameLength;
    }

    /** Bytes of the frame without Ethernet padding: header plus IP packet. */
    public int usedFrameLength() {
        return EthernetFrame.HEADER_BYTES + ipLength;
    }

    public int l3Offset() {
        return l3Offset;
    }

    public int l4Offset() {
        return l4Offset;
    }

    /** Bytes from the transport header to the end of the IP packet. */
    public int l4Length() {
        return l3Offset + ipLength - l4Offset;
    }

    public boolean isIpv4() {
        return ipv4;
    }

    public int protocol() {
        return protocol;
    }

    /** Bytes of the IP packet (IPv4 total length; IPv6 40 + payload length). */
    public int ipLength() {
        return ipLength;
    }

    public long sourceHigh() {
        return sourceHigh;
    }

    public long sourceLow() {
        return sourceLow;
    }

    public long destinationHigh() {
        return destinationHigh;
    }

    public long destinationLow() {
        return destinationLow;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    /** Byte 13 of the TCP header; 0 for UDP. */
    public int tcpFlags() {
        return tcpFlags;
    }

    /** Offset of the TCP or UDP checksum field. */
    public int checksumOffset() {
        return l4Offset + TransportHeader.checksumOffset(protocol);
    }
}
