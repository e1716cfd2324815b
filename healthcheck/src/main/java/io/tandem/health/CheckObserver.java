package io.tandem.health;

/**
 * Sees every check result (not only up/down changes), on the monitor's thread: for metrics and
 * benchmarks. It must return at once.
 */
@FunctionalInterface
public interface CheckObserver {
    CheckObserver NONE = (server, ok, latencyNanos, lateNanos) -> { };

    /**
     * @param latencyNanos from the start of the check to its result (the timeout, for a late one)
     * @param lateNanos    how long after its planned time the check started (scheduling delay)
     */
    void onCheck(CheckedServer server, boolean ok, long latencyNanos, long lateNanos);
}
