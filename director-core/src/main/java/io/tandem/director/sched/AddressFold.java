package io.tandem.director.sched;

/**
 * Reduces an address to the 32 bits IPVS's hashing schedulers hash: an IPv4 address itself, an
 * IPv6 address as the XOR of its four 32-bit words (IPVS's {@code addr_fold}).
 */
final class AddressFold {
    private static final long IPV4_MAPPED_PREFIX = 0x0000_FFFFL;

    private AddressFold() {
    }

    static int fold(long high, long low) {
        if (high == 0 && (low >>> 32) == IPV4_MAPPED_PREFIX) {
            return (int) low;
        }
        return (int) (high >>> 32) ^ (int) high ^ (int) (low >>> 32) ^ (int) low;
    }
}
