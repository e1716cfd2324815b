package io.tandem.heartbeat;

import java.net.InetSocketAddress;

/**
 * Receives the heartbeats the transport accepted: authentic, of our cluster, from the expected
 * peer, and newer than any before. Called on the transport's event loop thread: return quickly
 * and hand longer work to the thread that owns it.
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
}
