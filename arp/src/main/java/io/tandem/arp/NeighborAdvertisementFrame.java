package io.tandem.arp;

import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Ethernet + IPv6 + ICMPv6 Neighbor Advertisement frames (RFC 4861 4.4): writes unsolicited
 * advertisements, IPv6's gratuitous ARP, and reads them in place (a flyweight, like
 * {@link ArpFrame}).
 *
 * <pre>
 *  offset  size  field
 *   0       6    Ethernet destination       33:33:00:00:00:01 (all-nodes multicast)
 *   6       6    Ethernet source            our MAC
 *  12       2    EtherType                  0x86dd (IPv6)
 *  14       4    version 6, class 0, flow 0 0x60000000
 *  18       2    payload length             32
 *  20       1    next header                58 (ICMPv6)
 *  21       1    hop limit                  255 (receivers drop anything less)
 *  22      16    source                     the VIP itself
 *  38      16    destination                ff02::1
 *  54       1    ICMPv6 type                136 (Neighbor Advertisement)
 *  55       1    code                       0
 *  56       2    checksum                   over the pseudo-header and the 32-byte message
 *  58       4    flags R|S|O + reserved     O (override) only: 0x20000000
 *  62      16    target address             the VIP
 *  78       1    option type                2 (target link-layer address)
 *  79       1    option length              1 (x 8 bytes)
 *  80       6    link-layer address         our MAC
 *  86            end
 * </pre>
 *
 * <p>Unsolicited (S clear) because nobody asked; override (O set) so receivers replace the MAC
 * they cache for the VIP instead of keeping the old one.
 */
public final class NeighborAdvertisementFrame {
    public static final int ETH_DESTINATION_OFFSET = 0;
    public static final int ETH_SOURCE_OFFSET = 6;
    public static final int ETH_TYPE_OFFSET = 12;
    public static final int IPV6_OFFSET = 14;
    public static final int PAYLOAD_LENGTH_OFFSET = 18;
    public static final int NEXT_HEADER_OFFSET = 20;
    public static final int HOP_LIMIT_OFFSET = 21;
    public static final int SOURCE_OFFSET = 22;
    public static final int DESTINATION_OFFSET = 38;
    public static final int ICMP_OFFSET = 54;
    public static final int ICMP_TYPE_OFFSET = 54;
    public static final int ICMP_CODE_OFFSET = 55;
    public static final int CHECKSUM_OFFSET = 56;
    public static final int FLAGS_OFFSET = 58;
    public static final int TARGET_OFFSET = 62;
    public static final int OPTION_TYPE_OFFSET = 78;
    public static final int OPTION_LENGTH_OFFSET = 79;
    public static final int OPTION_MAC_OFFSET = 80;
    /** Length of a written frame. */
    public static final int FRAME_BYTES = 86;
    /** ICMPv6 message length: header, flags, target, one 8-byte option. */
    public static final int ICMP_BYTES = FRAME_BYTES - ICMP_OFFSET;

    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int NEXT_HEADER_ICMPV6 = 58;
    public static final int HOP_LIMIT = 255;
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    public static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;
    public static final int FLAG_ROUTER = 0x80;
    public static final int FLAG_SOLICITED = 0x40;
    public static final int FLAG_OVERRIDE = 0x20;

    private static final byte[] ALL_NODES_MAC = {0x33, 0x33, 0, 0, 0, 1};
    private static final byte[] ALL_NODES = {(byte) 0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private ByteBuffer buffer;
    private int offset;
    private int length;

    /**
     * Writes an unsolicited neighbor advertisement for {@code target} from {@code senderMac} at
     * {@code dst}'s position and advances it by {@link #FRAME_BYTES}.
     */
    public static void writeUnsolicited(ByteBuffer dst, byte[] senderMac, Inet6Address target) {
        ArpFrame.checkMac(senderMac);
        if (dst.remaining() < FRAME_BYTES) {
            throw new IllegalArgumentException("neighbor advertisement needs " + FRAME_BYTES
                    + " bytes, buffer has " + dst.remaining());
        }
        byte[] address = target.getAddress();
        int at = dst.position();
        dst.put(at + ETH_DESTINATION_OFFSET, ALL_NODES_MAC);
        dst.put(at + ETH_SOURCE_OFFSET, senderMac);
        ArpFrame.putShort(dst, at + ETH_TYPE_OFFSET, ETHERTYPE_IPV6);
        ArpFrame.putShort(dst, at + IPV6_OFFSET, 0x6000);
        ArpFrame.putShort(dst, at + IPV6_OFFSET + 2, 0);
        ArpFrame.putShort(dst, at + PAYLOAD_LENGTH_OFFSET, ICMP_BYTES);
        dst.put(at + NEXT_HEADER_OFFSET, (byte) NEXT_HEADER_ICMPV6);
        dst.put(at + HOP_LIMIT_OFFSET, (byte) HOP_LIMIT);
        dst.put(at + SOURCE_OFFSET, address);
        dst.put(at + DESTINATION_OFFSET, ALL_NODES);
        dst.put(at + ICMP_TYPE_OFFSET, (byte) TYPE_NEIGHBOR_ADVERTISEMENT);
        dst.put(at + ICMP_CODE_OFFSET, (byte) 0);
        ArpFrame.putShort(dst, at + CHECKSUM_OFFSET, 0);
        dst.put(at + FLAGS_OFFSET, (byte) FLAG_OVERRIDE);
        dst.put(at + FLAGS_OFFSET + 1, (byte) 0);
        ArpFrame.putShort(dst, at + FLAGS_OFFSET + 2, 0);
        dst.put(at + TARGET_OFFSET, address);
        dst.put(at + OPTION_TYPE_OFFSET, (byte) OPTION_TARGET_LINK_LAYER_ADDRESS);
        dst.put(at + OPTION_LENGTH_OFFSET, (byte) 1);
        dst.put(at + OPTION_MAC_OFFSET, senderMac);
        ArpFrame.putShort(dst, at + CHECKSUM_OFFSET, ~icmpSum(dst, at, ICMP_BYTES) & 0xFFFF);
        dst.position(at + FRAME_BYTES);
    }

    /**
     * One's-complement sum (folded to 16 bits) of the IPv6 pseudo-header and the ICMPv6 message
     * of {@code icmpLength} bytes of the frame at {@code frame}. The checksum field is the
     * complement of this sum with the field zero; a valid message sums to 0xffff.
     */
    static int icmpSum(ByteBuffer src, int frame, int icmpLength) {
        long sum = 0;
        for (int i = 0; i < 32; i += 2) { // source and destination addresses
            sum += ArpFrame.getShort(src, frame + SOURCE_OFFSET + i);
        }
        sum += icmpLength; // upper-layer packet length (32 bits, high half zero)
        sum += NEXT_HEADER_ICMPV6; // three zero bytes, then next header
        for (int i = 0; i + 1 < icmpLength; i += 2) {
            sum += ArpFrame.getShort(src, frame + ICMP_OFFSET + i);
        }
        if ((icmpLength & 1) != 0) {
            sum += (src.get(frame + ICMP_OFFSET + icmpLength - 1) & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /**
     * Views the frame from {@code src.position()} to {@code src.limit()} without copying.
     *
     * @return this
     */
    public NeighborAdvertisementFrame wrap(ByteBuffer src) {
        this.buffer = src;
        this.offset = src.position();
        this.length = src.remaining();
        return this;
    }

    /** Whether the viewed frame is an IPv6 ICMPv6 neighbor advertisement with a target. */
    public boolean isNeighborAdvertisement() {
        return length >= OPTION_TYPE_OFFSET
                && ArpFrame.getShort(buffer, offset + ETH_TYPE_OFFSET) == ETHERTYPE_IPV6
                && (buffer.get(offset + IPV6_OFFSET) & 0xF0) == 0x60
                && (buffer.get(offset + NEXT_HEADER_OFFSET) & 0xFF) == NEXT_HEADER_ICMPV6
                && (buffer.get(offset + ICMP_TYPE_OFFSET) & 0xFF) == TYPE_NEIGHBOR_ADVERTISEMENT;
    }

    /** The IPv6 hop limit. */
    public int hopLimit() {
        return buffer.get(offset + HOP_LIMIT_OFFSET) & 0xFF;
    }

    /** The R/S/O flag byte; test with {@link #FLAG_OVERRIDE} and friends. */
    public int flags() {
        return buffer.get(offset + FLAGS_OFFSET) & 0xFF;
    }

    /** Whether the ICMPv6 checksum is right for the payload length the IPv6 header gives. */
    public boolean isChecksumValid() {
        int icmpLength = ArpFrame.getShort(buffer, offset + PAYLOAD_LENGTH_OFFSET);
        return ICMP_OFFSET + icmpLength <= length && icmpSum(buffer, offset, icmpLength) == 0xFFFF;
    }

    /** Copies the Ethernet destination into {@code dst} (6 bytes). */
    public void ethDestination(byte[] dst) {
        buffer.get(offset + ETH_DESTINATION_OFFSET, dst, 0, ArpFrame.MAC_BYTES);
    }

    /** Copies the target link-layer address option into {@code dst}; false if there is none. */
    public boolean targetMac(byte[] dst) {
        if (length < OPTION_MAC_OFFSET + ArpFrame.MAC_BYTES
                || buffer.get(offset + OPTION_TYPE_OFFSET) != OPTION_TARGET_LINK_LAYER_ADDRESS) {
            return false;
        }
        buffer.get(offset + OPTION_MAC_OFFSET, dst, 0, ArpFrame.MAC_BYTES);
        return true;
    }

    /** The target address (allocates). */
    public Inet6Address target() {
        return ipv6(TARGET_OFFSET);
    }

    /** The IPv6 source address (allocates). */
    public Inet6Address source() {
        return ipv6(SOURCE_OFFSET);
    }

    /** The IPv6 destination address (allocates). */
    public Inet6Address destination() {
        return ipv6(DESTINATION_OFFSET);
    }

    private Inet6Address ipv6(int fieldOffset) {
        byte[] address = new byte[16];
        buffer.get(offset + fieldOffset, address);
        try {
            return Inet6Address.getByAddress(null, address, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
