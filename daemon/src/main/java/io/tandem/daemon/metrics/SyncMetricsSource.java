package io.tandem.daemon.metrics;

import java.util.Map;

/**
 * Where the metrics read the connection-sync stream's numbers at each scrape. The sync implements
 * it and the daemon hands it to {@link TandemCollector#attachSync}; until then (or with no sync
 * at all) no {@code tandem_sync_*} family is exported.
 */
@FunctionalInterface
public interface SyncMetricsSource {
    /**
     * The numbers now. Called on the scrape thread: it must be cheap and must not block (read
     * counters that other threads publish, as {@code SyncCounters} does).
     *
     * @param nowNs the caller's {@code System.nanoTime()}, for the lag
     */
    Snapshot syncMetrics(long nowNs);

    /**
     * One reading of the sync stream.
     *
     * @param lagNanos         how long the oldest datagram the peer has not acknowledged has been
     *                         out, 0 when the peer has everything
     * @param unackedDatagrams datagrams sent and not yet acknowledged
     * @param counters         monotonic counters by lower-case name ({@code entries_sent},
     *                         {@code datagrams_received}, {@code resends}, ...): exported as
     *                         {@code tandem_sync_events_total{event=NAME}}
     * @param dropped          received datagrams dropped, by lower-case reason: exported as
     *                         {@code tandem_sync_dropped_total{reason=NAME}}
     */
    record Snapshot(long lagNanos, long unackedDatagrams, Map<String, Long> counters, Map<String, Long> dropped) {
        public Snapshot {
            counters = Map.copyOf(counters);
            dropped = Map.copyOf(dropped);
        }
    }
}
