package io.tandem.failover;

/** Operator commands the engine understands. */
public enum Command {
    /** Take the group(s) over from the peer, now. */
    TAKEOVER,
    /** Hand the group(s) to the peer, now. */
    STANDBY,
    /** Move every group to its preferred node: take ours, hand over the peer's. */
    FAILBACK
}
