package io.tandem.director.sched;

/**
 * IPVS {@code nq}: never queue. The first server (in list order) with weight above zero and no
 * active connection takes the new connection at once; when every server is busy, it is
 * {@code sed}: the least (active + 1) / weight, ties to the earlier server.
 *
 * <pre>
 *   for s in list order with weight(s) &gt; 0:
 *       if active(s) == 0: return s
 *       if least unset or (active(least)+1) * weight(s) &gt; (active(s)+1) * weight(least): least = s
 *   return least
 * </pre>
 */
final class NeverQueueScheduler implements Scheduler {
    private final ServerSet servers;

    NeverQueueScheduler(ServerSet servers) {
        this.servers = servers;
    }

    @Override
    public int pick(long sourceHigh, long sourceLow, int sourcePort, long destinationHigh, long destinationLow) {
        int least = NO_SERVER;
        long leastOverhead = 0;
        int leastWeight = 0;
        for (int i = 0; i < servers.size(); i++) {
            int w = servers.weight(i);
            if (w <= 0) {
                continue;
            }
            int active = servers.activeConnections(i);
            if (active == 0) {
                return i;
            }
            long overhead = active + 1L;
            if (least == NO_SERVER || leastOverhead * w > overhead * leastWeight) {
                least = i;
                leastOverhead = overhead;
                leastWeight = w;
            }
        }
        return least;
    }

    @Override
    public void onServersChanged() {
        // Reads weights and counts live.
    }

    @Override
    public SchedulerName name() {
        return SchedulerName.NQ;
    }
}
