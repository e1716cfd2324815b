package io.tandem.director.sched;

/**
 * IPVS {@code wrr}: interleaved weighted round robin. Servers take turns in list order; a pass
 * over the list admits the servers whose weight is at least the current weight {@code cw}, and
 * each pass lowers {@code cw} by the gcd {@code g} of the weights, from the maximum {@code mw}
 * down to 1. Weights 3:1 give {@code A A A B}, repeated: exactly 3:1, spread out rather than
 * in bursts of three.
 *
 * <pre>
 *   g  = gcd of the weights above zero
 *   mw = max weight - (g - 1)          (IPVS's trick: with g &gt; 1, cw visits mw, mw-g, ... 1)
 *   pick: loop { cursor++; if cursor == n: cursor = -1; cw -= g; if cw &lt;= 0: cw = mw; continue
 *                if weight(cursor) &gt;= cw: return cursor }
 * </pre>
 *
 * A change of weights recomputes {@code g} and {@code mw}, restarts from the head of the list
 * and keeps {@code cw} where it was as far as the new weights allow, as IPVS does.
 */
final class WeightedRoundRobinScheduler implements Scheduler {
    private final ServerSet servers;
    private int cursor = -1;
    private int currentWeight;
    private int maxWeight;
    private int gcd;

    WeightedRoundRobinScheduler(ServerSet servers) {
        this.servers = servers;
        onServersChanged();
        currentWeight = maxWeight;
    }

    @Override
    public int pick(long sourceHigh, long sourceLow, int sourcePort, long destinationHigh, long destinationLow) {
        if (maxWeight <= 0) {
            return NO_SERVER;
        }
        int n = servers.size();
        // A server of the largest weight qualifies within mw/g + 1 passes; the bound only
        // guards against a weight changed without onServersChanged().
        long budget = (long) (n + 1) * (maxWeight / gcd + 2);
        for (long step = 0; step < budget; step++) {
            if (++cursor == n) {
                cursor = -1;
                currentWeight -= gcd;
                if (currentWeight <= 0) {
                    currentWeight = maxWeight;
                }
                continue;
            }
            if (servers.weight(cursor) >= currentWeight) {
                return cursor;
            }
        }
        return NO_SERVER;
    }

    @Override
    public void onServersChanged() {
        int g = 0;
        int max = 0;
        for (int i = 0; i < servers.size(); i++) {
            int w = servers.weight(i);
            if (w > 0) {
                g = g == 0 ? w : gcd(g, w);
                max = Math.max(max, w);
            }
        }
        gcd = Math.max(g, 1);
        maxWeight = max == 0 ? 0 : max - (gcd - 1);
        cursor = -1;
        if (currentWeight > maxWeight || currentWeight <= 0) {
            currentWeight = maxWeight;
        } else if (gcd > 1) {
            currentWeight = (currentWeight / gcd) * gcd + 1;
        }
    }

    @Override
    public SchedulerName name() {
        return SchedulerName.WRR;
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
