package io.tandem.director.sched;

/**
 * IPVS {@code lc}: the server with the least overhead, where an active (established)
 * connection counts 256 times an inactive one, among servers of weight above zero; weights do
 * not otherwise matter. Ties go to the earlier server in the list.
 *
 * <pre>
 *   overhead(s) = active(s) * 256 + inactive(s)
 *   pick = first s with weight(s) &gt; 0 minimising overhead(s)
 * </pre>
 */
final class LeastConnectionScheduler implements Scheduler {
    private final ServerSet servers;

    LeastConnectionScheduler(ServerSet servers) {
        this.servers = servers;
    }

    @Override
    public int pick(long sourceHigh, long sourceLow, int sourcePort, long destinationHigh, long destinationLow) {
        int least = NO_SERVER;
        long leastOverhead = 0;
        for (int i = 0; i < servers.size(); i++) {
            if (servers.weight(i) <= 0) {
                continue;
            }
            long overhead = overhead(servers, i);
            if (least == NO_SERVER || overhead < leastOverhead) {
                least = i;
                leastOverhead = overhead;
            }
        }
        return least;
    }

    /** IPVS's {@code ip_vs_dest_conn_overhead}: active * 256 + inactive. */
    static long overhead(ServerSet servers, int i) {
        return ((long) servers.activeConnections(i) << 8) + servers.inactiveConnections(i);
    }

    @Override
    public void onServersChanged() {
        // Reads weights and counts live.
    }

    @Override
    public SchedulerName name() {
        return SchedulerName.LC;
    }
}
