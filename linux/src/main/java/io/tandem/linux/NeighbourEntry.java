package io.tandem.linux;

import java.net.InetAddress;

/**
 * One entry of the kernel's neighbour table (ARP for IPv4, NDP for IPv6), as {@code ip neigh}
 * shows it.
 *
 * @param mac   the link-layer address, or null while unresolved (INCOMPLETE, FAILED)
 * @param state the {@code NUD_*} bits, e.g. {@link #NUD_REACHABLE}
 */
public record NeighbourEntry(int ifIndex, InetAddress address, byte[] mac, int state) {
    public static final int NUD_INCOMPLETE = 0x01;
    public static final int NUD_REACHABLE = 0x02;
    public static final int NUD_STALE = 0x04;
    public static final int NUD_DELAY = 0x08;
    public static final int NUD_PROBE = 0x10;
    public static final int NUD_FAILED = 0x20;
    public static final int NUD_NOARP = 0x40;
    public static final int NUD_PERMANENT = 0x80;

    /** Whether the entry holds a link-layer address worth sending to (any state but INCOMPLETE/FAILED). */
    public boolean isUsable() {
        return mac != null && mac.length == 6 && (state & (NUD_INCOMPLETE | NUD_FAILED)) == 0;
    }

    /** The MAC as the low 48 bits of a long (first byte most significant), or -1 if none. */
    public long macAsLong() {
        if (mac == null || mac.length != 6) {
            return -1;
        }
        long v = 0;
        for (byte b : mac) {
            v = v << 8 | (b & 0xFF);
        }
        return v;
    }
}
