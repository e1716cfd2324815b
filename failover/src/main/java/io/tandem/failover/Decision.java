package io.tandem.failover;

/** Whether this node should hold a group, and why: the reason ends up in the transition log. */
record Decision(boolean hold, String reason) {
    static Decision hold(String reason) {
        return new Decision(true, reason);
    }

    static Decision release(String reason) {
        return new Decision(false, reason);
    }
}
