package io.tandem.sync;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * How a node syncs with its peer. Immutable, validated here.
 *
 * @param local               address and port this node binds (UDP 8848 by default)
 * @param peer                the peer's address and port; datagrams go there and only its are read
 * @param generation          this node's boot counter (the heartbeat's generation, &gt;= 1): the peer
 *                            tells a restart from a replay by it
 * @param ringDatagrams       DATA datagrams kept for resending (power of two); 2048 hold 86,000
 *                            IPv4 entries, 1.7 s at 50,000 new connections a second
 * @param refreshPeriodNs     the table is walked once per period for entries whose copy on the peer
 *                            would expire before ours (IPVS's sync_refresh_period idea)
 * @param refreshMarginNs     an entry is refreshed when the peer's copy expires more than this before
 *                            ours, and within a period plus this
 * @param bulkWindowDatagrams a full dump keeps at most this many datagrams unacknowledged, so that it
 *                            neither overruns the peer's socket buffer nor the ring
 * @param nackRetryNs         how long the receiver waits for a resend before asking again
 * @param statusIntervalNs    while the peer lags, how often the sender says how far it has sent (so
 *                            a lost last datagram is noticed)
 * @param bulkRetryNs         how often a node that has no full dump yet asks for one
 * @param ackKeepaliveNs      the receiver acknowledges at least this often while it hears the peer
 */
public record SyncConfig(InetSocketAddress local, InetSocketAddress peer, long generation, int ringDatagrams,
        long refreshPeriodNs, long refreshMarginNs, int bulkWindowDatagrams, long nackRetryNs,
        long statusIntervalNs, long bulkRetryNs, long ackKeepaliveNs) {

    private static final long MS = 1_000_000L;

    public SyncConfig {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(peer, "peer");
        if (generation < 1) {
            throw new IllegalArgumentException("sync generation=" + generation + " must be >= 1");
        }
        if (Integer.bitCount(ringDatagrams) != 1 || ringDatagrams < 64) {
            throw new IllegalArgumentException("sync ringDatagrams=" + ringDatagrams
                    + " must be a power of two >= 64");
        }
        if (bulkWindowDatagrams < 1 || bulkWindowDatagrams > ringDatagrams / 2) {
            throw new IllegalArgumentException("sync bulkWindowDatagrams=" + bulkWindowDatagrams
                    + " must be in [1, ringDatagrams/2=" + ringDatagrams / 2 + "]");
        }
        if (refreshPeriodNs < 100 * MS || refreshMarginNs < 0) {
            throw new IllegalArgumentException("sync refreshPeriodNs=" + refreshPeriodNs
                    + " must be >= 100 ms and refreshMarginNs=" + refreshMarginNs + " >= 0");
        }
        if (nackRetryNs < MS || statusIntervalNs < MS || bulkRetryNs < MS || ackKeepaliveNs < MS) {
            throw new IllegalArgumentException("sync nackRetryNs, statusIntervalNs, bulkRetryNs, ackKeepaliveNs"
                    + " must each be >= 1 ms");
        }
    }

    /**
     * Defaults: a ring of 2048 datagrams, refresh walk every 10 s with a 5 s margin, dumps 64
     * datagrams ahead, NACK retry 30 ms, status every 20 ms, dump request every 500 ms, ACK at
     * least every 200 ms.
     */
    public static SyncConfig of(InetSocketAddress local, InetSocketAddress peer, long generation) {
        return new SyncConfig(local, peer, generation, 2048, 10_000 * MS, 5_000 * MS, 64, 30 * MS, 20 * MS,
                500 * MS, 200 * MS);
    }

    /** A copy with another refresh period and margin. */
    public SyncConfig withRefresh(long periodNs, long marginNs) {
        return new SyncConfig(local, peer, generation, ringDatagrams, periodNs, marginNs, bulkWindowDatagrams,
                nackRetryNs, statusIntervalNs, bulkRetryNs, ackKeepaliveNs);
    }

    /** A copy with another ring size and dump window. */
    public SyncConfig withRing(int datagrams, int bulkWindow) {
        return new SyncConfig(local, peer, generation, datagrams, refreshPeriodNs, refreshMarginNs, bulkWindow,
                nackRetryNs, statusIntervalNs, bulkRetryNs, ackKeepaliveNs);
    }
}
