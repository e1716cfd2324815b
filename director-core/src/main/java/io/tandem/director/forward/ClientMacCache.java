package io.tandem.director.forward;

import io.tandem.director.packet.EthernetFrame;

/**
 * The MAC behind each client address seen lately on the clients' side (the client's own, or its
 * router's), for NAT replies of connections whose own entry has none: connections learnt from the
 * peer director by sync, or opened before this director's rings were (re)opened. Without it, a
 * reply of such a connection could not be sent until the client sent a packet on it — and a
 * client that is only receiving (a download) never does, so the connection would hang.
 *
 * <pre>
 *  direct-mapped: slot = hash(address) mod 2^16; a newer address takes the slot over
 *  learn(address, mac) on every NAT client frame; lookup(address) on a reply without a MAC
 * </pre>
 *
 * About 1.5 MB; allocates nothing after construction. One thread (the forwarding thread).
 */
final class ClientMacCache {
    private static final int SLOTS = 1 << 16;
    private static final int MASK = SLOTS - 1;

    private final long[] highs = new long[SLOTS];
    private final long[] lows = new long[SLOTS];
    private final long[] macs = new long[SLOTS];

    ClientMacCache() {
        java.util.Arrays.fill(macs, EthernetFrame.NO_MAC);
    }

    void learn(long high, long low, long mac) {
        int slot = slot(high, low);
        highs[slot] = high;
        lows[slot] = low;
        macs[slot] = mac;
    }

    /** The MAC last seen with this client address, or {@link EthernetFrame#NO_MAC}. */
    long lookup(long high, long low) {
        int slot = slot(high, low);
        return highs[slot] == high && lows[slot] == low ? macs[slot] : EthernetFrame.NO_MAC;
    }

    private static int slot(long high, long low) {
        long h = (low * 0x9E37_79B9_7F4A_7C15L) ^ (high * 0xC2B2_AE3D_27D4_EB4FL);
        return (int) (h ^ (h >>> 29)) & MASK;
    }
}
