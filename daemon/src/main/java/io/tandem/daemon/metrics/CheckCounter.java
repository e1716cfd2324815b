package io.tandem.daemon.metrics;

import io.tandem.health.CheckedServer;
import io.tandem.health.Probe;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts health checks per real server and result, for {@code tandem_health_checks_total}: it
 * wraps the probe selector the health monitors use, so every check passes through it. Each check
 * counts once, as what happened first: {@code ok}, {@code failed}, or {@code cancelled} (the
 * monitor gave up on it: it timed out, or the server left the plan on reload or stop). Thread-safe:
 * probes answer on their own threads, scrapes read from another.
 */
public final class CheckCounter {
    /** One real server of one virtual service, as {@code 198.51.100.10:80/tcp} and {@code 198.51.100.21:80}. */
    public record Key(String virtual, String real) {
    }

    /** What a server's checks ended in so far. */
    public record Counts(long ok, long failed, long cancelled) {
    }

    private static final int OK = 0;
    private static final int FAILED = 1;
    private static final int CANCELLED = 2;

    private final Map<Key, LongAdder[]> counts = new ConcurrentHashMap<>();

    /** {@code probes}, with every check counted here. */
    public Probe.Selector around(Probe.Selector probes) {
        return (server, kind) -> counting(server, probes.select(server, kind));
    }

    private Probe counting(CheckedServer server, Probe probe) {
        LongAdder[] results = counts.computeIfAbsent(new Key(server.virtualName(), server.realName()),
                k -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
        return (s, timeoutNanos, done) -> {
            AtomicBoolean counted = new AtomicBoolean();
            Probe.Cancellable running = probe.start(s, timeoutNanos, (ok, reason) -> {
                if (counted.compareAndSet(false, true)) {
                    results[ok ? OK : FAILED].increment();
                }
                done.complete(ok, reason);
            });
            return () -> {
                if (counted.compareAndSet(false, true)) {
                    results[CANCELLED].increment();
                }
                running.cancel();
            };
        };
    }

    /** The counts so far, per server the monitors have asked a probe for. */
    public Map<Key, Counts> snapshot() {
        Map<Key, Counts> out = new java.util.TreeMap<>(java.util.Comparator.comparing(Key::virtual)
                .thenComparing(Key::real));
        counts.forEach((k, v) -> out.put(k, new Counts(v[OK].sum(), v[FAILED].sum(), v[CANCELLED].sum())));
        return out;
    }
}
