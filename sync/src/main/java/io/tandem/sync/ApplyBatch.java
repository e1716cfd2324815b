package io.tandem.sync;

import static io.tandem.director.conn.ConnectionTable.NONE;

import io.tandem.director.ForwardingEngine;
import io.tandem.director.ForwardingMethod;
import io.tandem.director.RealServerState;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualServiceState;
import io.tandem.director.conn.ConnectionTable;
import io.tandem.sync.SyncCounters.Counter;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongSupplier;

/**
 * The entries of one received DATA datagram, on their way from the receive thread to the engine
 * thread: a copy of the datagram's body, applied there with
 * {@link ConnectionTable#upsertSynced}. The real server travels by address and port, and is
 * found here among the real servers (and fallback) of the entry's virtual service, since server
 * ids are each node's own. A batch is pooled: it returns itself to its pool once applied, so
 * nothing is allocated per datagram or per entry.
 */
final class ApplyBatch {
    private static final long NS_PER_MS = 1_000_000L;

    private final byte[] body = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
    private final BlockingQueue<ApplyBatch> pool;
    private final SyncCounters counters;
    private final LongSupplier clockNs;
    private final AppliedListener listener;
    private int count;
    private long contiguous;
    private Runnable after;

    ApplyBatch(BlockingQueue<ApplyBatch> pool, SyncCounters counters, LongSupplier clockNs,
            AppliedListener listener) {
        this.pool = pool;
        this.counters = counters;
        this.clockNs = clockNs;
        this.listener = listener;
    }

    /**
     * Takes the entries of a verified DATA datagram whose entries end at {@code end}, received
     * when the stream was {@code contiguous} up to that sequence; {@code after}, if not null, runs
     * on the engine thread once they are applied.
     */
    void fill(byte[] datagram, int end, long contiguous, Runnable after) {
        this.contiguous = contiguous;
        count = SyncCodec.count(datagram);
        System.arraycopy(datagram, 0, body, 0, end);
        this.after = after;
    }

    /** The peer's stream was contiguous up to this sequence when the batch was received. */
    long contiguous() {
        return contiguous;
    }

    /** Engine thread: applies the entries, then returns the batch to its pool. */
    void accept(ForwardingEngine engine) {
        try {
            apply(engine.connections(), engine.services(), clockNs.getAsLong());
        } finally {
            Runnable a = after;
            after = null;
            pool.offer(this);
            if (a != null) {
                a.run();
            }
        }
    }

    private void apply(ConnectionTable table, ServiceTable services, long nowNs) {
        int applied = 0;
        int unmapped = 0;
        int full = 0;
        int p = SyncCodec.HEADER_BYTES;
        for (int i = 0; i < count; i++) {
            int protocol = SyncCodec.entryProtocol(body, p);
            long virtualHigh = SyncCodec.entryVirtualHigh(body, p);
            long virtualLow = SyncCodec.entryVirtualLow(body, p);
            int virtualPort = SyncCodec.entryVirtualPort(body, p);
            RealServerState server = server(services, protocol, virtualHigh, virtualLow, virtualPort,
                    SyncCodec.entryRealHigh(body, p), SyncCodec.entryRealLow(body, p), SyncCodec.entryRealPort(body, p));
            if (server == null) {
                unmapped++;
            } else {
                int options = server.forwarding() == ForwardingMethod.NAT ? ConnectionTable.INDEX_REPLIES
                        : ConnectionTable.NO_OUTPUT;
                int e = table.upsertSynced(protocol, SyncCodec.entryIsTemplate(body, p),
                        SyncCodec.entryClientHigh(body, p), SyncCodec.entryClientLow(body, p),
                        SyncCodec.entryClientPort(body, p), virtualHigh, virtualLow, virtualPort, server.id(),
                        SyncCodec.entryState(body, p), options, SyncCodec.entryTimeoutMs(body, p) * NS_PER_MS,
                        SyncCodec.entryRemainingMs(body, p) * NS_PER_MS, nowNs);
                if (e == NONE) {
                    full++;
                } else {
                    applied++;
                    if (listener != null) {
                        listener.onApplied(table, e, nowNs);
                    }
                }
            }
            p += SyncCodec.entryLength(body, p);
        }
        counters.add(Counter.ENTRIES_APPLIED, applied);
        if (unmapped > 0) {
            counters.add(Counter.ENTRIES_UNMAPPED, unmapped);
        }
        if (full > 0) {
            counters.add(Counter.ENTRIES_TABLE_FULL, full);
        }
    }

    /** This node's real server (or fallback) at that address and port in the service, or null. */
    private static RealServerState server(ServiceTable services, int protocol, long virtualHigh, long virtualLow,
            int virtualPort, long realHigh, long realLow, int realPort) {
        VirtualServiceState service = services.find(protocol, virtualHigh, virtualLow, virtualPort);
        if (service == null) {
            return null;
        }
        int i = service.indexOf(realHigh, realLow, realPort);
        if (i >= 0) {
            return service.realServer(i);
        }
        RealServerState fallback = service.fallback();
        if (fallback != null && fallback.addressLow() == realLow && fallback.addressHigh() == realHigh
                && fallback.port() == realPort) {
            return fallback;
        }
        return null;
    }
}
