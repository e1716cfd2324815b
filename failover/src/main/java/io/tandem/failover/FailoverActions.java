package io.tandem.failover;

/**
 * The side effects the engine asks for. Implementations must not block the failover thread:
 * {@link #startGroup} and {@link #stopGroup} run the resources elsewhere and report back through
 * {@link FailoverEngine#onGroupStarted} / {@link FailoverEngine#onGroupStopped} on the failover
 * thread.
 */
public interface FailoverActions {
    void startGroup(String group);

    void stopGroup(String group);

    /**
     * Re-assert the group's running resources (announce its VIPs again): neighbours may have
     * learnt the peer's MAC while both nodes held the group.
     */
    void refreshGroup(String group);

    /**
     * Run the fencing command against the peer (it died without a goodbye and fencing is
     * configured); report with {@link FailoverEngine#onFenceResult} on the failover thread.
     */
    void fencePeer(String peer);

    /** This node's claims changed: send a heartbeat now rather than at the next keepalive. */
    void claimsChanged();

    /** The maintenance switch changed (here or from the peer): the daemon keeps it on disk. */
    default void onMaintenanceChanged(boolean on, long epoch) {
    }

    /** A group changed state; for logs, notify hooks and status waiters. */
    default void onTransition(Transition transition) {
    }
}
