package io.tandem.director.sched;

import java.util.Arrays;

/**
 * IPVS {@code sh}: a client's address (and port, with {@code sh-port}) hashes to one of 256
 * buckets, each naming a server, so a client keeps its server as long as the table does not
 * change.
 *
 * <pre>
 *   table: walk the member servers cyclically in list order, giving each max(weight, 1)
 *          consecutive buckets, until all 256 are filled
 *   key    = fold(source address) + port        (IPv6 folds to the XOR of its 32-bit words)
 *   bucket = (key * 0x61C88647) &gt;&gt;&gt; 24         (the kernel's hash_32(key, 8))
 *   pick   = table[bucket] if its weight &gt; 0, else
 *            with sh-fallback: table[(offset + hash_32(key, 8)) mod 256] for the first offset
 *            from bucket on whose server has weight &gt; 0; without it: NO_SERVER
 * </pre>
 *
 * As in IPVS the table is rebuilt from the current weights whenever they change, so quiescing
 * one server moves other clients too; {@code mh} is the scheduler that avoids that.
 */
final class SourceHashScheduler implements Scheduler {
    static final int TABLE_BITS = 8;
    static final int TABLE_SIZE = 1 << TABLE_BITS;
    private static final int GOLDEN_RATIO_32 = 0x61C88647;

    private final ServerSet servers;
    private final boolean fallback;
    private final boolean hashPort;
    private final int[] buckets = new int[TABLE_SIZE];

    SourceHashScheduler(ServerSet servers, boolean fallback, boolean hashPort) {
        this.servers = servers;
        this.fallback = fallback;
        this.hashPort = hashPort;
        onServersChanged();
    }

    @Override
    public int pick(long sourceHigh, long sourceLow, int sourcePort, long destinationHigh, long destinationLow) {
        int key = AddressFold.fold(sourceHigh, sourceLow) + (hashPort ? sourcePort : 0);
        int home = bucket(key, 0);
        int s = buckets[home];
        if (s < 0) {
            return NO_SERVER;
        }
        if (servers.weight(s) > 0) {
            return s;
        }
        if (!fallback) {
            return NO_SERVER;
        }
        for (int offset = 0; offset < TABLE_SIZE; offset++) {
            s = buckets[bucket(key, (offset + home) & (TABLE_SIZE - 1))];
            if (s < 0) {
                break;
            }
            if (servers.weight(s) > 0) {
                return s;
            }
        }
        return NO_SERVER;
    }

    static int bucket(int key, int offset) {
        return (offset + ((key * GOLDEN_RATIO_32) >>> (32 - TABLE_BITS))) & (TABLE_SIZE - 1);
    }

    @Override
    public void onServersChanged() {
        Arrays.fill(buckets, NO_SERVER);
        int n = servers.size();
        int s = nextMember(-1, n);
        if (s < 0) {
            return;
        }
        int given = 0;
        for (int b = 0; b < TABLE_SIZE; b++) {
            buckets[b] = s;
            if (++given >= servers.weight(s)) {
                s = nextMember(s, n);
                given = 0;
            }
        }
    }

    /** The member after {@code s} in cyclic list order, or -1 when there is none. */
    private int nextMember(int s, int n) {
        for (int step = 1; step <= n; step++) {
            int i = (s + step) % n;
            if (i < 0) {
                i += n;
            }
            if (servers.isMember(i)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public SchedulerName name() {
        return SchedulerName.SH;
    }
}
