package io.tandem.director.sched;

import java.util.Objects;

/**
 * A service's scheduler and its flags, as {@code ipvsadm -s NAME -b FLAGS} sets them.
 *
 * @param name             which scheduler
 * @param fallback         sh and mh: when the hashed server is quiesced, look further in the
 *                         table instead of refusing the connection ({@code sh-fallback},
 *                         {@code mh-fallback})
 * @param hashPort         sh and mh: hash the source port along with the source address
 *                         ({@code sh-port}, {@code mh-port})
 * @param maglevTableSize  mh (and the mid-flow Maglev choice): size of the lookup table, a prime
 *                         well above the number of servers; the disruption when a server leaves
 *                         is about 1/N of the clients plus noise of order N/size
 */
public record SchedulerSpec(SchedulerName name, boolean fallback, boolean hashPort, int maglevTableSize) {
    /** 65537 = 2^16 + 1, a prime: 256 KiB of table per service, disruption noise below 0.1 %. */
    public static final int DEFAULT_MAGLEV_TABLE_SIZE = 65_537;
    /** IPVS's smallest table; below it the weights cannot be honoured. */
    public static final int MIN_MAGLEV_TABLE_SIZE = 251;
    /** Keeps a service's table under 4 MiB. */
    public static final int MAX_MAGLEV_TABLE_SIZE = 1_048_573;

    public SchedulerSpec {
        Objects.requireNonNull(name, "name");
        if (maglevTableSize < MIN_MAGLEV_TABLE_SIZE || maglevTableSize > MAX_MAGLEV_TABLE_SIZE
                || !isPrime(maglevTableSize)) {
            throw new IllegalArgumentException("maglevTableSize=" + maglevTableSize + " must be a prime in ["
                    + MIN_MAGLEV_TABLE_SIZE + ", " + MAX_MAGLEV_TABLE_SIZE + "]");
        }
    }

    /** The scheduler with IPVS's default flags (no fallback, no port) and the default table. */
    public static SchedulerSpec of(SchedulerName name) {
        return new SchedulerSpec(name, false, false, DEFAULT_MAGLEV_TABLE_SIZE);
    }

    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
