package io.tandem.heartbeat;

import java.net.InetSocketAddress;

/**
 * Receives the heartbeats the transport accepted: authentic, of our cluster, from the expected
 * peer, and newer than any before. A heartbeat that arrives on several media is delivered once,
 * for the first copy; later copies only count for their own link ({@link PeerLinks}). Called on
 * the transport's event loop thread: return quickly and hand longer work to the thread that owns
 * it.
 *
 * <p>The transport calls the four-argument method; a listener that wants to know the link
 * overrides it, a lambda implements the three-argument one.
 */
@FunctionalInterface
public interface HeartbeatListener {
    /**
     * One accepted heartbeat.
     *
     * @param m             the heartbeat
     * @param from          the address it came from
     * @param receivedNanos when it was read, on the transport's injected monotonic clock
     */
    void onHeartbeat(HeartbeatMessage m, InetSocketAddress from, long receivedNanos);

    /**
     * One accepted heartbeat and the link it arrived on first.
     *
     * @param link the link (its {@link HeartbeatLink#name()} is e.g. {@code ucast eth0 198.51.100.2}),
     *             or null when it came from an address that no ucast line names
     */
    default void onHeartbeat(HeartbeatMessage m, HeartbeatLink link, InetSocketAddress from, long receivedNanos) {
        onHeartbeat(m, from, receivedNanos);
    }
}
