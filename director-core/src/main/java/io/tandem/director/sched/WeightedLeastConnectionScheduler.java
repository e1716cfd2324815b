package io.tandem.director.sched;

/**
 * IPVS {@code wlc}: the server with the least overhead per unit of weight. Divisions are
 * avoided by cross-multiplying, exactly as IPVS compares; ties go to the earlier server.
 *
 * <pre>
 *   overhead(s) = active(s) * 256 + inactive(s)
 *   least = first s with weight(s) &gt; 0
 *   for each later s with weight(s) &gt; 0:
 *       if overhead(least) * weight(s) &gt; overhead(s) * weight(least): least = s
 * </pre>
 */
final class WeightedLeastConnectionScheduler implements Scheduler {
    private final ServerSet servers;

    WeightedLeastConnectionScheduler(ServerSet servers) {
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
            long overhead = LeastConnectionScheduler.overhead(servers, i);
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
        return SchedulerName.WLC;
    }
}
