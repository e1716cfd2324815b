package io.tandem.arp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Ethernet + ARP frames for IPv4 over Ethernet: writes gratuitous ARP announcements, and reads
 * ARP frames in place (a flyweight: {@link #wrap} a buffer, then read fields without copying the
 * frame or allocating).
 *
 * <pre>
 *  offset  size  field
 *   0       6    Ethernet destination      ff:ff:ff:ff:ff:ff for announcements
 *   6       6    Ethernet source           our MAC
 *  12       2    EtherType                 0x0806 (ARP)
 *  14       2    htype                     1 (Ethernet)
 *  16       2    ptype                     0x0800 (IPv4)
 *  18       1    hlen                      6
 *  19       1    plen                      4
 *  20       2    oper                      1 request, 2 reply
 *  22       6    sha  sender MAC           our MAC
 *  28       4    spa  sender IPv4          the VIP
 *  32       6    tha  target MAC           request: 00:00:00:00:00:00, reply: our MAC
 *  38       4    tpa  target IPv4          the VIP
 *  42      18    padding                   zeros, up to the 60-byte Ethernet minimum
 * </pre>
 *
 * <p>A gratuitous ARP names the VIP as both sender and target, so every host on the link that
 * has the VIP in its neighbour cache replaces the MAC it holds with ours. The request form
 * (RFC 5227 "ARP announcement", what keepalived sends) is the default; the reply form, with the
 * target MAC equal to the sender MAC as Linux requires of a gratuitous reply, is for peers that
 * only learn from replies.
 */
public final class ArpFrame {
    public static final int ETH_DESTINATION_OFFSET = 0;
    public static final int ETH_SOURCE_OFFSET = 6;
    public static final int ETH_TYPE_OFFSET = 12;
    public static final int ETH_HEADER_BYTES = 14;
    public static final int HTYPE_OFFSET = 14;
    public static final int PTYPE_OFFSET = 16;
    public static final int HLEN_OFFSET = 18;
    public static final int PLEN_OFFSET = 19;
    public static final int OPER_OFFSET = 20;
    public static final int SHA_OFFSET = 22;
    public static final int SPA_OFFSET = 28;
    public static final int THA_OFFSET = 32;
    public static final int TPA_OFFSET = 38;
    /** End of the ARP payload; everything after it is padding. */
    public static final int ARP_END = 42;
    /** Length of a written frame: the Ethernet minimum without FCS. */
    public static final int FRAME_BYTES = 60;

    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int HTYPE_ETHERNET = 1;
    public static final int OPER_REQUEST = 1;
    public static final int OPER_REPLY = 2;
    public static final int MAC_BYTES = 6;

    private static final byte[] BROADCAST_MAC = {-1, -1, -1, -1, -1, -1};
    private static final byte[] ZERO_MAC = new byte[MAC_BYTES];

    private ByteBuffer buffer;
    private int offset;
    private int length;

    /**
     * Writes a gratuitous ARP request for {@code ip} from {@code senderMac} at {@code dst}'s
     * position and advances it by {@link #FRAME_BYTES}.
     */
    public static void writeGratuitousRequest(ByteBuffer dst, byte[] senderMac, Inet4Address ip) {
        write(dst, OPER_REQUEST, senderMac, ip, ZERO_MAC);
    }

    /**
     * Writes a gratuitous ARP reply (target MAC = sender MAC) for {@code ip} from
     * {@code senderMac} at {@code dst}'s position and advances it by {@link #FRAME_BYTES}.
     */
    public static void writeGratuitousReply(ByteBuffer dst, byte[] senderMac, Inet4Address ip) {
        write(dst, OPER_REPLY, senderMac, ip, senderMac);
    }

    /**
     * Writes an ARP probe (RFC 5227: sender address 0.0.0.0) asking who has {@code target}; the
     * owner answers with a reply that shows its MAC without anyone's cache learning ours.
     */
    public static void writeProbe(ByteBuffer dst, byte[] senderMac, Inet4Address target) {
        write(dst, OPER_REQUEST, senderMac, new byte[4], ZERO_MAC, target.getAddress());
    }

    private static void write(ByteBuffer dst, int operation, byte[] senderMac, Inet4Address ip, byte[] targetMac) {
        write(dst, operation, senderMac, ip.getAddress(), targetMac, ip.getAddress());
    }

    private static void write(ByteBuffer dst, int operation, byte[] senderMac, byte[] senderIp, byte[] targetMac,
            byte[] targetIp) {
        checkMac(senderMac);
        if (dst.remaining() < FRAME_BYTES) {
            throw new IllegalArgumentException("ARP frame needs " + FRAME_BYTES + " bytes, buffer has "
                    + dst.remaining());
        }
        int at = dst.position();
        dst.put(at + ETH_DESTINATION_OFFSET, BROADCAST_MAC);
        dst.put(at + ETH_SOURCE_OFFSET, senderMac);
        putShort(dst, at + ETH_TYPE_OFFSET, ETHERTYPE_ARP);
        putShort(dst, at + HTYPE_OFFSET, HTYPE_ETHERNET);
        putShort(dst, at + PTYPE_OFFSET, ETHERTYPE_IPV4);
        dst.put(at + HLEN_OFFSET, (byte) MAC_BYTES);
        dst.put(at + PLEN_OFFSET, (byte) 4);
        putShort(dst, at + OPER_OFFSET, operation);
        dst.put(at + SHA_OFFSET, senderMac);
        dst.put(at + SPA_OFFSET, senderIp);
        dst.put(at + THA_OFFSET, targetMac);
        dst.put(at + TPA_OFFSET, targetIp);
        for (int i = ARP_END; i < FRAME_BYTES; i++) {
            dst.put(at + i, (byte) 0);
        }
        dst.position(at + FRAME_BYTES);
    }

    static void checkMac(byte[] mac) {
        if (mac.length != MAC_BYTES) {
            throw new IllegalArgumentException("MAC address must be " + MAC_BYTES + " bytes, got " + mac.length);
        }
    }

    static void putShort(ByteBuffer dst, int index, int value) {
        dst.put(index, (byte) (value >>> 8));
        dst.put(index + 1, (byte) value);
    }

    static int getShort(ByteBuffer src, int index) {
        return ((src.get(index) & 0xFF) << 8) | (src.get(index + 1) & 0xFF);
    }

    static int getInt(ByteBuffer src, int index) {
        return (getShort(src, index) << 16) | getShort(src, index + 2);
    }

    /**
     * Views the frame from {@code src.position()} to {@code src.limit()}; the buffer is not
     * copied, so the view is valid until the buffer is reused.
     *
     * @return this
     */
    public ArpFrame wrap(ByteBuffer src) {
        this.buffer = src;
        this.offset = src.position();
        this.length = src.remaining();
        return this;
    }

    /** Whether the viewed frame is a complete ARP frame for IPv4 over Ethernet. */
    public boolean isIpv4OverEthernet() {
        return length >= ARP_END
                && getShort(buffer, offset + ETH_TYPE_OFFSET) == ETHERTYPE_ARP
                && getShort(buffer, offset + HTYPE_OFFSET) == HTYPE_ETHERNET
                && getShort(buffer, offset + PTYPE_OFFSET) == ETHERTYPE_IPV4
                && buffer.get(offset + HLEN_OFFSET) == MAC_BYTES
                && buffer.get(offset + PLEN_OFFSET) == 4;
    }

    /** {@link #OPER_REQUEST} or {@link #OPER_REPLY} (or another value a peer sent). */
    public int operation() {
        return getShort(buffer, offset + OPER_OFFSET);
    }

    /** Whether sender and target protocol addresses are equal: an announcement, not a question. */
    public boolean isGratuitous() {
        return senderIpv4() == targetIpv4();
    }

    /** Copies the Ethernet destination into {@code dst} (6 bytes). */
    public void ethDestination(byte[] dst) {
        buffer.get(offset + ETH_DESTINATION_OFFSET, dst, 0, MAC_BYTES);
    }

    /** Copies the Ethernet source into {@code dst} (6 bytes). */
    public void ethSource(byte[] dst) {
        buffer.get(offset + ETH_SOURCE_OFFSET, dst, 0, MAC_BYTES);
    }

    /** Copies the sender hardware address into {@code dst} (6 bytes). */
    public void senderMac(byte[] dst) {
        buffer.get(offset + SHA_OFFSET, dst, 0, MAC_BYTES);
    }

    /** Copies the target hardware address into {@code dst} (6 bytes). */
    public void targetMac(byte[] dst) {
        buffer.get(offset + THA_OFFSET, dst, 0, MAC_BYTES);
    }

    /** The sender protocol address as a big-endian int (no allocation). */
    public int senderIpv4() {
        return getInt(buffer, offset + SPA_OFFSET);
    }

    /** The target protocol address as a big-endian int (no allocation). */
    public int targetIpv4() {
        return getInt(buffer, offset + TPA_OFFSET);
    }

    /** The sender protocol address (allocates). */
    public Inet4Address senderIp() {
        return ipv4(senderIpv4());
    }

    /** The target protocol address (allocates). */
    public Inet4Address targetIp() {
        return ipv4(targetIpv4());
    }

    static Inet4Address ipv4(int value) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {
                (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
