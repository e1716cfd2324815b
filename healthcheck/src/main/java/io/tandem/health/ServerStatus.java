package io.tandem.health;

/**
 * What the monitor knows about one server at one moment (see {@link HealthMonitor#snapshot()}).
 *
 * @param server           the server
 * @param up               whether it is up; every server starts down until its checks pass (rise)
 * @param consecutiveOk    successes in a row (0 after a failure)
 * @param consecutiveFail  failures in a row (0 after a success)
 * @param lastOk           result of the last check, or null before the first one finished
 * @param lastReason       what the last check saw, e.g. {@code connect to 198.51.100.21:80 refused}
 * @param lastLatencyNanos how long the last check took
 * @param sinceNanos       clock reading when the server entered its current state
 * @param checks           checks completed since the server was added
 */
public record ServerStatus(CheckedServer server, boolean up, int consecutiveOk, int consecutiveFail, Boolean lastOk,
        String lastReason, long lastLatencyNanos, long sinceNanos, long checks) {
}
