package io.tandem.heartbeat;

/**
 * One heartbeat link as {@code tandemctl status} shows it, taken by {@link PeerLinks#snapshot}.
 *
 * @param name               the medium, e.g. {@code ucast eth0 198.51.100.2}
 * @param up                 the peer was heard on this link within deadtime
 * @param lastHeardMillisAgo since the last heartbeat heard on this link, -1 if none since start
 * @param lossPercent        heartbeats of the last 64 the peer sent that did not arrive on this link,
 *                           -1 while the peer has not been heard on any link
 * @param rttMicros          smoothed round-trip time on this link (RFC 6298 style, 1/8 gain), -1
 *                           until the peer has echoed one of our heartbeats on it
 * @param received           datagrams that arrived on this link
 * @param dropped            of those, dropped (bad MAC, replayed, ...); copies of heartbeats already
 *                           delivered through another link are not drops
 * @param sent               datagrams this node sent on this link
 * @param sendErrors         datagrams this node could not send on this link
 * @param downs              how often the link went down after being up
 */
public record LinkStatus(
        String name,
        boolean up,
        long lastHeardMillisAgo,
        double lossPercent,
        long rttMicros,
        long received,
        long dropped,
        long sent,
        long sendErrors,
        long downs) {
}
