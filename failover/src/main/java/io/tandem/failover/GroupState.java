package io.tandem.failover;

import java.util.Locale;

/** Where one resource group stands on this node. */
public enum GroupState {
    /** Resources down; the peer may hold the group. */
    STANDBY,
    /** Resources being started, left to right. Counts as holding: the peer must not start them too. */
    STARTING,
    /** Resources up; this node answers for the group. */
    ACTIVE,
    /** Resources being stopped, right to left. Still counts as holding until done. */
    STOPPING,
    /** A resource failed to start; the rest were stopped. The peer may take the group; an operator's takeover clears it. */
    FAILED;

    /** True while any of the group's resources may be up. */
    public boolean holding() {
        return this == STARTING || this == ACTIVE || this == STOPPING;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
