package io.tandem.daemon;

import io.tandem.config.FailoverPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeat's ping nodes: every {@code ping_interval} each ping entry (a {@code ping} address, or
 * a {@code ping_group} of which any member will do) is asked with an ICMP echo; the number that
 * answered is this node's ping score, which travels in every heartbeat. Runs on its own thread:
 * a slow or lost echo never holds up heartbeats.
 */
final class PingMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PingMonitor.class);

    private final List<FailoverPolicy.PingGroup> groups;
    private final Duration interval;
    private final IntConsumer onScore;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tandem-ping");
                t.setDaemon(true);
                return t;
            });

    PingMonitor(FailoverPolicy policy, IntConsumer onScore) {
        this.groups = policy.pingNodes();
        this.interval = policy.pingInterval();
        this.onScore = onScore;
    }

    /** Measures once now (so the first heartbeat carries a real score), then every interval. */
    void start() {
        onScore.accept(score());
        thread.scheduleWithFixedDelay(() -> onScore.accept(score()), interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    int score() {
        int reachable = 0;
        int timeoutMillis = (int) Math.max(50, Math.min(interval.toMillis(), 1000));
        for (FailoverPolicy.PingGroup g : groups) {
            for (InetAddress a : g.addresses()) {
                if (echo(a, timeoutMillis)) {
                    reachable++;
                    break;
                }
            }
        }
        return reachable;
    }

    private static boolean echo(InetAddress a, int timeoutMillis) {
        try {
            // As root the JDK sends an ICMP echo request, as ping(8) would.
            return a.isReachable(timeoutMillis);
        } catch (IOException e) {
            LOG.debug("ping {}: {}", a.getHostAddress(), e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
