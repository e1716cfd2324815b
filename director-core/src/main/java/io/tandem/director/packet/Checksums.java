package io.tandem.director.packet;

import java.nio.ByteBuffer;

/**
 * The Internet checksum (RFC 1071) over big-endian buffers: full sums, completion of
 * {@code CHECKSUM_PARTIAL} transport checksums, and incremental updates (RFC 1624) for NAT.
 *
 * <p>Sums are kept unfolded in a {@code long} (one's-complement addition of 16-bit words is
 * associative, so 32-bit words may be added and folded at the end); {@link #fold} makes the
 * 16-bit sum, and a checksum field holds its complement.
 *
 * <pre>
 *  complete partial:   field holds fold(pseudo-header sum), not complemented;
 *                      field = ~fold(sum of the L4 segment with that field in it)
 *  incremental update: HC' = ~(~HC + ~m + m')        (RFC 1624, eqn. 3)
 *                      m, m' = fold of the old and new words (addresses, ports)
 * </pre>
 */
public final class Checksums {
    private Checksums() {
    }

    /** Adds {@code length} bytes at {@code offset} to {@code sum} as 16-bit big-endian words (odd tail padded). */
    public static long add(ByteBuffer b, int offset, int length, long sum) {
        int i = offset;
        int end = offset + length;
        long s = sum;
        // Two 32-bit halves of a 64-bit read per step: at most 2^31 steps before the long overflows.
        while (end - i >= 8) {
            long w = b.getLong(i);
            s += (w >>> 32) + (w & 0xFFFF_FFFFL);
            i += 8;
        }
        if (end - i >= 4) {
            s += b.getInt(i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (end - i >= 2) {
            s += b.getShort(i) & 0xFFFF;
            i += 2;
        }
        if (i < end) {
            s += (b.get(i) & 0xFF) << 8;
        }
        return s;
    }

    /** Folds a sum to 16 bits (end-around carry). */
    public static int fold(long sum) {
        long s = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    /** The sum of the four 16-bit words of {@code v}. */
    public static long words(long v) {
        return (v >>> 48) + ((v >>> 32) & 0xFFFF) + ((v >>> 16) & 0xFFFF) + (v & 0xFFFF);
    }

    /** The sum of the words of an address in {@link io.tandem.director.IpAddresses} form. */
    public static long addressWords(boolean ipv4, long high, long low) {
        return ipv4 ? words(low & 0xFFFF_FFFFL) : words(high) + words(low);
    }

    /**
     * Completes a transport checksum left partial ({@code CHECKSUM_PARTIAL}): the field at
     * {@code checksumOffset} holds the pseudo-header sum; the result covers the segment of
     * {@code length} bytes at {@code l4Offset}. UDP's zero becomes 0xFFFF (zero means "none").
     */
    public static void completePartial(ByteBuffer b, int l4Offset, int length, int checksumOffset, boolean udp) {
        int c = ~fold(add(b, l4Offset, length, 0)) & 0xFFFF;
        if (c == 0 && udp) {
            c = 0xFFFF;
        }
        b.putShort(checksumOffset, (short) c);
    }

    /**
     * The checksum {@code checksum} becomes when words summing to {@code oldSum} are replaced by
     * words summing to {@code newSum} (RFC 1624).
     */
    public static int update(int checksum, long oldSum, long newSum) {
        long s = (~checksum & 0xFFFF) + (~fold(oldSum) & 0xFFFF) + fold(newSum);
        return ~fold(s) & 0xFFFF;
    }

    /** Updates the 16-bit checksum field at {@code offset} in place (see {@link #update}). */
    public static void updateField(ByteBuffer b, int offset, long oldSum, long newSum) {
        b.putShort(offset, (short) update(b.getShort(offset) & 0xFFFF, oldSum, newSum));
    }

    /** Writes a fresh IPv4 header checksum for the header of {@code headerBytes} at {@code ipOffset}. */
    public static void writeIpv4HeaderChecksum(ByteBuffer b, int ipOffset, int headerBytes) {
        b.putShort(ipOffset + Ipv4Header.CHECKSUM, (short) 0);
        b.putShort(ipOffset + Ipv4Header.CHECKSUM, (short) ~fold(add(b, ipOffset, headerBytes, 0)));
    }

    /** Whether the one's-complement sum over the region is 0xFFFF, i.e. its checksum verifies. */
    public static boolean verifies(ByteBuffer b, int offset, int length, long initialSum) {
        return fold(add(b, offset, length, initialSum)) == 0xFFFF;
    }
}
