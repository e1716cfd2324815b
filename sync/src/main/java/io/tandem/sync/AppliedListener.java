package io.tandem.sync;

import io.tandem.director.conn.ConnectionTable;

/** Hears each entry learnt from the peer, on the engine thread, as it is applied (benchmarks, tests). */
@FunctionalInterface
public interface AppliedListener {
    /** Entry {@code entry} of {@code table} was just inserted or refreshed from the peer at {@code nowNs}. */
    void onApplied(ConnectionTable table, int entry, long nowNs);
}
