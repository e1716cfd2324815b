package io.tandem.daemon.director;

import io.tandem.director.RealServerState;
import io.tandem.director.ServiceTable;

/**
 * Per real server rates — connections, packets and bytes per second — over the last sampling
 * interval, computed from the counters the forwarding thread publishes (which any thread may
 * read). {@link #sample} runs every couple of seconds on one thread; {@link #rates} may be read
 * from any thread and sees the last complete interval.
 */
final class RateEstimator {
    private static final int FIELDS = 5;

    private final ServiceTable services;
    private final long[] last;
    private long lastNs;
    private volatile double[] rates;

    RateEstimator(ServiceTable services, long nowNs) {
        this.services = services;
        this.last = new long[services.serverCount() * FIELDS];
        this.rates = new double[last.length];
        read(last);
        this.lastNs = nowNs;
    }

    synchronized void sample(long nowNs) {
        long elapsedNs = nowNs - lastNs;
        if (elapsedNs <= 0) {
            return;
        }
        long[] now = new long[last.length];
        read(now);
        double[] next = new double[last.length];
        for (int i = 0; i < now.length; i++) {
            next[i] = (now[i] - last[i]) * 1e9 / elapsedNs;
        }
        System.arraycopy(now, 0, last, 0, now.length);
        lastNs = nowNs;
        rates = next;
    }

    DirectorView.Rates rates(int serverId) {
        double[] r = rates;
        int o = serverId * FIELDS;
        if (o + FIELDS > r.length) {
            return DirectorView.Rates.ZERO;
        }
        return new DirectorView.Rates(r[o], r[o + 1], r[o + 2], r[o + 3], r[o + 4]);
    }

    private void read(long[] into) {
        for (int id = 0; id < services.serverCount(); id++) {
            RealServerState s = services.server(id);
            int o = id * FIELDS;
            into[o] = s.connections();
            into[o + 1] = s.inPackets();
            into[o + 2] = s.outPackets();
            into[o + 3] = s.inBytes();
            into[o + 4] = s.outBytes();
        }
    }
}
