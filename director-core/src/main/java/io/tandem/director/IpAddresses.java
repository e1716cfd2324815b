package io.tandem.director;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Addresses as two longs, the form the forwarding path passes around without allocating:
 * IPv6 as its 128 bits (high, low), IPv4 as the IPv4-mapped IPv6 address
 * {@code ::ffff:a.b.c.d} (high 0, low {@code 0x0000_ffff_aabb_ccdd}). One key shape serves both
 * families; an IPv6 packet carrying an IPv4-mapped address is read as IPv4, which is what such
 * an address means.
 */
public final class IpAddresses {
    private static final long IPV4_MAPPED = 0x0000_FFFF_0000_0000L;

    private IpAddresses() {
    }

    /** Upper 64 bits of {@code address}. */
    public static long high(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? 0 : bytesToLong(b, 0);
    }

    /** Lower 64 bits of {@code address}. */
    public static long low(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? ipv4Low(bytesToInt(b)) : bytesToLong(b, 8);
    }

    /** The low half of an IPv4 address given as an int in network order ({@code 0xC6336401}). */
    public static long ipv4Low(int ipv4) {
        return IPV4_MAPPED | (ipv4 & 0xFFFF_FFFFL);
    }

    public static boolean isIPv4(long high, long low) {
        return high == 0 && (low & 0xFFFF_FFFF_0000_0000L) == IPV4_MAPPED;
    }

    /** Mask of the upper half for a prefix (IPv4 prefixes count within the 32 IPv4 bits). */
    public static long maskHigh(boolean ipv4, int prefixLength) {
        if (ipv4 || prefixLength >= 64) {
            return -1L;
        }
        return prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
    }

    /** Mask of the lower half for a prefix (IPv4 prefixes count within the 32 IPv4 bits). */
    public static long maskLow(boolean ipv4, int prefixLength) {
        if (ipv4) {
            return prefixLength == 0 ? 0xFFFF_FFFF_0000_0000L : -1L << (32 - prefixLength);
        }
        if (prefixLength <= 64) {
            return 0;
        }
        return -1L << (128 - prefixLength);
    }

    /** Back to an {@link InetAddress} (allocates: for display and config, not per packet). */
    public static InetAddress toInetAddress(long high, long low) {
        try {
            if (isIPv4(high, low)) {
                byte[] b = new byte[4];
                longToBytes(low << 32, b, 0, 4);
                return InetAddress.getByAddress(b);
            }
            byte[] b = new byte[16];
            longToBytes(high, b, 0, 8);
            longToBytes(low, b, 8, 8);
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    /** Text form, {@code 198.51.100.1} or {@code 2001:db8:0:0:0:0:0:1}. */
    public static String toString(long high, long low) {
        return toInetAddress(high, low).getHostAddress();
    }

    private static long bytesToLong(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = v << 8 | (b[i] & 0xFF);
        }
        return v;
    }

    private static int bytesToInt(byte[] b) {
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    private static void longToBytes(long v, byte[] b, int from, int count) {
        for (int i = 0; i < count; i++) {
            b[from + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
