package io.tandem.director.sched;

/**
 * IPVS {@code sed}: the server with the shortest expected delay, (active + 1) / weight: the
 * time a new connection would wait if every server served its active connections at a speed
 * proportional to its weight. Inactive connections do not count. Ties go to the earlier server.
 *
 * <pre>
 *   overhead(s) = active(s) + 1
 *   least = first s with weight(s) &gt; 0
 *   for each later s with weight(s) &gt; 0:
 *       if overhead(least) * weight(s) &gt; overhead(s) * weight(least): least = s
 * </pre>
 */
final class ShortestExpectedDelayScheduler implements Scheduler {
    private final ServerSet servers;

    ShortestExpectedDelayScheduler(ServerSet servers) {
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
            long overhead = servers.activeConnections(i) + 1L;
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
        return SchedulerName.SED;
    }
}
