package io.tandem.failover;

import java.util.Locale;

/** What this node believes about the peer. */
public enum PeerStatus {
    /** Not heard yet and {@code initdead} not over: nobody moves. */
    UNKNOWN,
    /** Heartbeats arrive. */
    ALIVE,
    /** Silent for {@code deadtime}, or said goodbye. */
    DEAD;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
