package io.tandem.director.sched;

import java.util.Arrays;

/**
 * IPVS {@code mh}: Maglev consistent hashing (Eisenbud et al., NSDI 2016, section 3.4). Every
 * member server owns a share of a lookup table of prime size M proportional to its weight; a
 * client's address (and port, with {@code mh-port}) hashes to one slot. When a server leaves,
 * only its own slots change hands (about 1/N of the clients move, plus noise of order N/M), and
 * the table depends on nothing but the servers and their weights, so two directors with the same
 * config compute the same table: that is what lets a director that never saw a connection's
 * first packet send the rest of it to the right server.
 *
 * <pre>
 *   per member s:  offset(s) = h1(address, port) mod M
 *                  skip(s)   = h2(address, port) mod (M - 1) + 1
 *                  preference list: offset, offset + skip, offset + 2 skip, ... (mod M)
 *                  turns(s)  = (lastWeight / gcd) &gt;&gt; shift, at least 1 if lastWeight &gt; 0
 *                              (shift keeps the largest under 2^6, as IPVS's default table)
 *   populate:      round after round, each member in list order claims its next turns(s)
 *                  slots still free on its preference list, until all M slots are owned
 *   pick:          s = table[h3(client address, port) mod M]; s if its weight &gt; 0, else
 *                  with fallback the first server of weight &gt; 0 at table[h3(key, home + i)],
 *                  i = 0, 1, ...; without fallback NO_SERVER
 * </pre>
 *
 * The table is sized by the <em>last</em> non-zero weight, so a quiesced server keeps its slots
 * (its clients get NO_SERVER, or another server with fallback) and gets them back unchanged.
 * The hash functions are fixed 64-bit mixers with constant seeds, never randomised per process.
 */
public final class MaglevScheduler implements Scheduler {
    private static final long OFFSET_SEED = 0x243F_6A88_85A3_08D3L;
    private static final long SKIP_SEED = 0x1319_8A2E_0370_7344L;
    private static final long KEY_SEED = 0xA409_3822_299F_31D0L;
    private static final int TURN_BITS = 6;
    private static final int EMPTY = -1;

    private final ServerSet servers;
    private final int tableSize;
    private final boolean fallback;
    private final boolean hashPort;
    private final int[] table;
    private final long[] taken;
    private int[] next = new int[0];
    private int[] skip = new int[0];
    private int[] turns = new int[0];
    private int available;

    /**
     * @param tableSize a prime, well above the number of servers
     * @param fallback  {@code mh-fallback}: look further when the hashed server is quiesced
     * @param hashPort  {@code mh-port}: hash the source port as well as the address
     */
    public MaglevScheduler(ServerSet servers, int tableSize, boolean fallback, boolean hashPort) {
        if (tableSize < SchedulerSpec.MIN_MAGLEV_TABLE_SIZE || !SchedulerSpec.isPrime(tableSize)) {
            throw new IllegalArgumentException("maglevTableSize=" + tableSize + " must be a prime >= "
                    + SchedulerSpec.MIN_MAGLEV_TABLE_SIZE);
        }
        this.servers = servers;
        this.tableSize = tableSize;
        this.fallback = fallback;
        this.hashPort = hashPort;
        this.table = new int[tableSize];
        this.taken = new long[(tableSize + 63) >>> 6];
        onServersChanged();
    }

    @Override
    public int pick(long sourceHigh, long sourceLow, int sourcePort, long destinationHigh, long destinationLow) {
        return lookup(sourceHigh, sourceLow, hashPort ? sourcePort : 0, fallback);
    }

    /**
     * The server for {@code key} (an address, and a port or 0), with or without looking past a
     * quiesced server; what {@link #pick} does with this scheduler's own flags.
     */
    public int lookup(long keyHigh, long keyLow, int keyPort, boolean withFallback) {
        if (available == 0) {
            return NO_SERVER;
        }
        int home = slot(keyHigh, keyLow, keyPort, 0);
        int s = table[home];
        if (servers.weight(s) > 0) {
            return s;
        }
        if (!withFallback) {
            return NO_SERVER;
        }
        for (int offset = 0; offset < tableSize; offset++) {
            int rehashed = offset + home < tableSize ? offset + home : offset + home - tableSize;
            s = table[slot(keyHigh, keyLow, keyPort, rehashed)];
            if (servers.weight(s) > 0) {
                return s;
            }
        }
        return NO_SERVER;
    }

    /** Whether {@link #pick} hashes the source port ({@code mh-port}). */
    public boolean hashesPort() {
        return hashPort;
    }

    /** The server owning {@code slot}, or -1 when the table is empty (test and inspection). */
    public int owner(int slot) {
        return table[slot];
    }

    /** M, the number of slots. */
    public int tableSize() {
        return tableSize;
    }

    private int slot(long high, long low, int port, int offset) {
        return (int) Long.remainderUnsigned(hash(KEY_SEED, high, low, port, offset), tableSize);
    }

    @Override
    public void onServersChanged() {
        Arrays.fill(table, EMPTY);
        available = 0;
        int n = servers.size();
        if (next.length < n) {
            next = new int[n];
            skip = new int[n];
            turns = new int[n];
        }
        int gcd = 0;
        int max = 0;
        for (int i = 0; i < n; i++) {
            int w = servers.isMember(i) ? servers.lastWeight(i) : 0;
            if (w > 0) {
                gcd = gcd == 0 ? w : WeightedRoundRobinScheduler.gcd(gcd, w);
                max = Math.max(max, w);
            }
        }
        if (gcd == 0) {
            return;
        }
        int shift = Math.max(0, (32 - Integer.numberOfLeadingZeros(max / gcd)) - TURN_BITS);
        for (int i = 0; i < n; i++) {
            int w = servers.isMember(i) ? servers.lastWeight(i) : 0;
            turns[i] = w > 0 ? Math.max(1, (w / gcd) >> shift) : 0;
            long a = servers.addressHigh(i);
            long b = servers.addressLow(i);
            int p = servers.port(i);
            next[i] = (int) Long.remainderUnsigned(hash(OFFSET_SEED, a, b, p, 0), tableSize);
            skip[i] = (int) Long.remainderUnsigned(hash(SKIP_SEED, a, b, p, 0), tableSize - 1) + 1;
            if (turns[i] > 0 && servers.weight(i) > 0) {
                available++;
            }
        }
        populate(n);
    }

    private void populate(int n) {
        Arrays.fill(taken, 0L);
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < turns[i]; t++) {
                    int c = next[i];
                    while ((taken[c >>> 6] & (1L << c)) != 0) {
                        c += skip[i];
                        if (c >= tableSize) {
                            c -= tableSize;
                        }
                    }
                    next[i] = c;
                    taken[c >>> 6] |= 1L << c;
                    table[c] = i;
                    if (++filled == tableSize) {
                        return;
                    }
                }
            }
        }
    }

    static long hash(long seed, long high, long low, int port, int offset) {
        long h = mix(seed ^ high);
        h = mix(h ^ low);
        return mix(h ^ (((long) port << 32) | (offset & 0xFFFF_FFFFL)));
    }

    /** MurmurHash3's 64-bit finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
        return z ^ (z >>> 33);
    }

    @Override
    public SchedulerName name() {
        return SchedulerName.MH;
    }
}
