package io.tandem.heartbeat;

/**
 * What a node says about itself in every heartbeat. The wire codes are part of the protocol and
 * never change; a new state gets a new code.
 */
public enum NodeState {
    /** Booting: waiting up to {@code initdead} for the peer before deciding anything. */
    STARTING(1),
    /** Up and taking part in failover decisions. */
    RUNNING(2),
    /** Shutting down gracefully: the peer may take over at once, without waiting for deadtime. */
    LEAVING(3);

    private static final NodeState[] BY_CODE = new NodeState[256];

    static {
        for (NodeState s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;

    NodeState(int code) {
        this.code = code;
    }

    /** The one-byte code that stands for this state on the wire. */
    public int code() {
        return code;
    }

    /** The state with this wire code, or null when the code is unknown (never throws). */
    public static NodeState fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
