package io.tandem.director.packet;

import java.nio.ByteBuffer;

/**
 * Offsets of the Ethernet II header, and MACs as the low 48 bits of a long (first byte most
 * significant), the form the forwarding path keeps them in.
 *
 * <pre>
 *  0                 6                 12          14
 *  +-----------------+-----------------+-----------+---------
 *  | destination MAC | source MAC      | EtherType | payload (IPv4 / IPv6 header)
 *  +-----------------+-----------------+-----------+---------
 * </pre>
 */
public final class EthernetFrame {
    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int ETHER_TYPE = 12;
    public static final int HEADER_BYTES = 14;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_IPV6 = 0x86DD;
    /** Marks a MAC not known (yet). */
    public static final long NO_MAC = -1L;

    private EthernetFrame() {
    }

    /** The 6 bytes at {@code offset} as a long. */
    public static long mac(ByteBuffer b, int offset) {
        return (b.getShort(offset) & 0xFFFFL) << 32 | (b.getInt(offset + 2) & 0xFFFF_FFFFL);
    }

    /** Writes the low 48 bits of {@code mac} at {@code offset}. */
    public static void putMac(ByteBuffer b, int offset, long mac) {
        b.putShort(offset, (short) (mac >>> 32));
        b.putInt(offset + 2, (int) mac);
    }

    /** Sets destination and source MAC of the frame at {@code frame}. */
    public static void putMacs(ByteBuffer b, int frame, long destination, long source) {
        putMac(b, frame + DESTINATION, destination);
        putMac(b, frame + SOURCE, source);
    }

    /** A 6-byte MAC as a long. */
    public static long macOf(byte[] mac) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("MAC of " + mac.length + " bytes must have 6");
        }
        long v = 0;
        for (byte x : mac) {
            v = v << 8 | (x & 0xFF);
        }
        return v;
    }

    /** {@code 02:00:00:00:00:01} (allocates; for logs). */
    public static String macText(long mac) {
        StringBuilder s = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (s.length() > 0) {
                s.append(':');
            }
            s.append(String.format("%02x", (mac >>> shift) & 0xFF));
        }
        return s.toString();
    }
}
