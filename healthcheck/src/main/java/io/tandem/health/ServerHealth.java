package io.tandem.health;

/**
 * The state of one checked server, owned by the monitor's thread. Up/down changes only through
 * {@link #record}: {@code rise} successes in a row bring a down server up, {@code fall} failures
 * in a row take an up server down (with neither set, ldirectord's rule: down after
 * {@code failurecount} failures, up after one success).
 *
 * <p>A server starts down, as in ldirectord (which adds a real server to IPVS once a check has
 * found it up) and keepalived with {@code alpha}: nothing is sent to a server nobody has checked.
 */
final class ServerHealth {
    final CheckedServer server;
    boolean up;
    int consecutiveOk;
    int consecutiveFail;
    Boolean lastOk;
    String lastReason = "not checked yet";
    long lastLatencyNanos;
    long sinceNanos;
    long completed;
    /** Checks started, for checktype=N. */
    long started;
    boolean removed;

    // scheduling: due at dueNanos, waiting for a slot, or in flight
    long dueNanos;
    boolean waiting;
    boolean inFlight;
    /** The running check holds one of the slots reserved for suspects. */
    boolean suspectSlot;
    int attempt;
    long startNanos;
    long deadlineNanos;
    CheckType kind;
    Probe.Cancellable cancel = Probe.Cancellable.NONE;

    ServerHealth(CheckedServer server, long nowNanos) {
        this.server = server;
        this.sinceNanos = nowNanos;
    }

    /** Counts one result; returns true if it changed up/down. */
    boolean record(boolean ok, String reason, long latencyNanos, long nowNanos) {
        completed++;
        lastOk = ok;
        lastReason = reason;
        lastLatencyNanos = latencyNanos;
        if (ok) {
            consecutiveOk++;
            consecutiveFail = 0;
        } else {
            consecutiveFail++;
            consecutiveOk = 0;
        }
        CheckDefinition check = server.check();
        if (!up && ok && consecutiveOk >= check.rise()) {
            return transitionTo(true, nowNanos);
        }
        if (up && !ok && consecutiveFail >= check.fall()) {
            return transitionTo(false, nowNanos);
        }
        return false;
    }

    private boolean transitionTo(boolean next, long nowNanos) {
        up = next;
        sinceNanos = nowNanos;
        return true;
    }

    ServerStatus status() {
        return new ServerStatus(server, up, consecutiveOk, consecutiveFail, lastOk, lastReason, lastLatencyNanos,
                sinceNanos, completed);
    }
}
