package io.tandem.director.sched;

import java.util.Arrays;

/**
 * IPVS {@code dh}: the packet's destination address hashes to one of 256 buckets naming a
 * server; meant for fwmark services in front of caches, where the destination varies. For a
 * plain VIP:port service every client goes to the same server.
 *
 * <pre>
 *   table  = the member servers in list order, one bucket each, repeated until 256 are filled
 *   bucket = (fold(destination address) * 2654435761) mod 256
 *   pick   = table[bucket] if its weight &gt; 0, else NO_SERVER
 * </pre>
 */
final class DestinationHashScheduler implements Scheduler {
    static final int TABLE_SIZE = 256;
    private static final int GOLDEN_PRIME_32 = (int) 2654435761L;

    private final ServerSet servers;
    private final int[] buckets = new int[TABLE_SIZE];

    DestinationHashScheduler(ServerSet servers) {
        this.servers = servers;
        onServersChanged();
    }

    @Override
    public int pick(long sourceHigh, long sourceLow, int sourcePort, long destinationHigh, long destinationLow) {
        int s = buckets[(AddressFold.fold(destinationHigh, destinationLow) * GOLDEN_PRIME_32) & (TABLE_SIZE - 1)];
        return s >= 0 && servers.weight(s) > 0 ? s : NO_SERVER;
    }

    @Override
    public void onServersChanged() {
        Arrays.fill(buckets, NO_SERVER);
        int members = 0;
        for (int i = 0; i < servers.size(); i++) {
            if (servers.isMember(i)) {
                members++;
            }
        }
        if (members == 0) {
            return;
        }
        int b = 0;
        while (b < TABLE_SIZE) {
            for (int i = 0; i < servers.size() && b < TABLE_SIZE; i++) {
                if (servers.isMember(i)) {
                    buckets[b++] = i;
                }
            }
        }
    }

    @Override
    public SchedulerName name() {
        return SchedulerName.DH;
    }
}
