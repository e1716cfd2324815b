package io.tandem.sync;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the sync counts, for {@code tandemctl status} and metrics. Written by the engine thread
 * (what is sent) and the receive thread (what arrives), read by any thread. {@link #snapshot} gives them by name with the current lag.
 */
public final class SyncCounters {
    /** The counters. */
    public enum Counter {
        /** Entries put into DATA datagrams, first sends and refreshes (not resends). */
        ENTRIES_SENT,
        /** Of those, entries re-sent because the peer's copy would expire before ours. */
        REFRESHES_SENT,
        /** Entries sent by full dumps (bulk transfers). */
        BULK_ENTRIES_SENT,
        /** Full dumps started (asked for by the peer, or because a lost datagram had left the ring). */
        BULK_DUMPS,
        DATAGRAMS_SENT,
        BYTES_SENT,
        /** DATA datagrams re-sent on the peer's NACK. */
        RESENDS,
        /** NACKed sequences no longer in the retransmit ring (repaired by a full dump). */
        RESEND_MISSES,
        /** Sends the socket refused (buffer full, peer unreachable). */
        SEND_ERRORS,
        DATAGRAMS_RECEIVED,
        /** DATA datagrams of the peer a starting node passed over while waiting for its dump's BEGIN. */
        BEFORE_DUMP,
        /** DATA datagrams left unread because the engine thread had not applied the previous 1024 yet. */
        APPLY_BACKLOG,
        /** Entries learnt or refreshed from the peer. */
        ENTRIES_APPLIED,
        /** Entries the peer sent that match no service and real server here. */
        ENTRIES_UNMAPPED,
        /** Entries dropped because the table was full. */
        ENTRIES_TABLE_FULL,
        /** DATA sequences found missing (each counted once). */
        GAPS,
        NACKS_SENT,
        /** Missing sequences given up on because a full dump replaced them. */
        GAPS_SKIPPED,
        BULK_REQUESTS_SENT,
        /** Bulk transfers received to the end. */
        BULKS_COMPLETED,
        /** Received datagrams dropped, all reasons (see {@link DropReason}, also counted each). */
        DROPS,
        RECEIVE_ERRORS,
    }

    private final AtomicLongArray values = new AtomicLongArray(Counter.values().length);
    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);
    private volatile long oldestUnackedSendNs;
    private volatile long unackedDatagrams;

    void add(Counter c, long delta) {
        values.addAndGet(c.ordinal(), delta);
    }

    void onDrop(DropReason reason) {
        drops.incrementAndGet(reason.ordinal());
        add(Counter.DROPS, 1);
    }

    /** Engine thread: the send time of the oldest datagram the peer has not acknowledged (0: none). */
    void setUnacked(long oldestSendNs, long datagrams) {
        oldestUnackedSendNs = oldestSendNs;
        unackedDatagrams = datagrams;
    }

    public long get(Counter c) {
        return values.get(c.ordinal());
    }

    public long dropped(DropReason reason) {
        return drops.get(reason.ordinal());
    }

    /**
     * Sync lag at {@code nowNs} (the sender's clock): how long the oldest datagram the peer has not
     * acknowledged has been out, 0 when the peer has everything.
     */
    public long lagNs(long nowNs) {
        long oldest = oldestUnackedSendNs;
        return oldest == 0 ? 0 : Math.max(0, nowNs - oldest);
    }

    /** Datagrams sent and not yet acknowledged by the peer. */
    public long unackedDatagrams() {
        return unackedDatagrams;
    }

    /** Every counter by its lower-case name, then {@code lag_ms}, {@code unacked} and the drops by reason. */
    public Map<String, Long> snapshot(long nowNs) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            out.put(c.name().toLowerCase(java.util.Locale.ROOT), get(c));
        }
        out.put("lag_ms", lagNs(nowNs) / 1_000_000);
        out.put("unacked", unackedDatagrams());
        for (DropReason r : DropReason.values()) {
            out.put("dropped." + r.name().toLowerCase(java.util.Locale.ROOT), dropped(r));
        }
        return out;
    }

    @Override
    public String toString() {
        return snapshot(System.nanoTime()).toString();
    }
}
