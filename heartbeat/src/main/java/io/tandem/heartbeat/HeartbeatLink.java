package io.tandem.heartbeat;

import io.tandem.config.Medium;
import java.util.Objects;

/**
 * One heartbeat medium as the transport runs it: the ha.cf medium it came from and its position
 * in the transport's list. The transport tells the listener on which link each heartbeat arrived,
 * and {@link PeerLinks} keeps each link's liveness.
 */
public final class HeartbeatLink {
    private final int index;
    private final Medium medium;

    HeartbeatLink(int index, Medium medium) {
        this.index = index;
        this.medium = Objects.requireNonNull(medium, "medium");
    }

    /** The link's position among the transport's links, 0-based (stable until the media are replaced). */
    public int index() {
        return index;
    }

    /** The ha.cf medium. */
    public Medium medium() {
        return medium;
    }

    /** As in status output: {@code ucast eth0 198.51.100.2}, {@code bcast eth1}, {@code mcast eth2 239.0.0.1:694}. */
    public String name() {
        return medium.name();
    }

    /** The device, e.g. {@code eth1}. */
    public String device() {
        return medium.device();
    }

    /** As in log lines: {@code eth1 (ucast 198.51.100.2)}. */
    public String label() {
        return medium.device() + " (" + medium.detail() + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
