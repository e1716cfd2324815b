package io.tandem.director.sched;

/**
 * IPVS {@code rr}: each new connection goes to the next server in the list that has a weight
 * above zero, wrapping around.
 *
 * <pre>
 *   cursor = index picked last time (-1 at start)
 *   for step in 1..n: i = (cursor + step) mod n; if weight(i) &gt; 0: cursor = i; return i
 *   return NO_SERVER
 * </pre>
 *
 * Weights other than zero do not matter to {@code rr}; servers never move in the list, so a
 * change needs no rebuild.
 */
final class RoundRobinScheduler implements Scheduler {
    private final ServerSet servers;
    private int cursor = -1;

    RoundRobinScheduler(ServerSet servers) {
        this.servers = servers;
    }

    @Override
    public int pick(long sourceHigh, long sourceLow, int sourcePort, long destinationHigh, long destinationLow) {
        int n = servers.size();
        int i = cursor;
        for (int step = 0; step < n; step++) {
            i = i + 1 < n ? i + 1 : 0;
            if (servers.weight(i) > 0) {
                cursor = i;
                return i;
            }
        }
        return NO_SERVER;
    }

    @Override
    public void onServersChanged() {
        if (cursor >= servers.size()) {
            cursor = -1;
        }
    }

    @Override
    public SchedulerName name() {
        return SchedulerName.RR;
    }
}
