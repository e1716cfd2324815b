package io.tandem.sync;

import static io.tandem.director.conn.ConnectionTable.NONE;

import io.tandem.config.AuthKeys;
import io.tandem.director.ForwardingEngine;
import io.tandem.director.IpAddresses;
import io.tandem.director.RealServerState;
import io.tandem.director.ServiceTable;
import io.tandem.director.conn.ConnectionTable;
import io.tandem.sync.SyncCounters.Counter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sending half of the sync, on the engine thread: each {@link #onTick} takes what the
 * connection table changed ({@link ConnectionTable#pollChanged}), what a refresh walk finds about
 * to expire on the peer, and what a full dump walks next, packs it into DATA datagrams, and sends
 * them; it resends what the peer reports missing and answers its requests for a full dump.
 *
 * <pre>
 *  onTick(now):  keys ─► resend NACKed sequences (from the ring; a sequence gone from it starts a
 *                dump) ─► start a dump the peer asked for ─► changed entries ─► a slice of the
 *                refresh walk ─► the dump, within its window ─► send the open datagram (so an
 *                entry waits at most one tick) ─► flush requests ─► STATUS while the peer lags
 *  full dump:    BULK_BEGIN datagram ... every entry in use (nextInUse), paced by the peer's
 *                ACKs ... BULK_END datagram; each names the dump and its BEGIN's sequence (a
 *                starting peer takes the stream from its BEGIN); at BULK_END the peer gives up
 *                sequences missing from before the BEGIN
 *  refresh:      peerExpires[e], the tick (2^24 ns) the peer's copy expires, is set whenever e
 *                is sent; an entry in use whose own deadline is more than the margin later, and
 *                whose peer copy expires within a walk period plus the margin, is sent again
 * </pre>
 *
 * Built datagrams live in the {@link RetransmitRing}; nothing is allocated per entry or per
 * datagram. The receive thread reports ACKs, NACKs and dump requests through volatile fields and
 * a {@link LongQueue}; {@link #flush} may be called from any thread.
 */
final class SyncSender {
    private static final int MAX_BODY_END = SyncCodec.HEADER_BYTES + SyncCodec.MAX_BODY_BYTES;
    private static final int MAX_RESENDS_PER_TICK = 512;
    private static final int TICK_SHIFT = 24;

    private final SyncConfig config;
    private final ConnectionTable table;
    private final ServiceTable services;
    private final DatagramChannel channel;
    private final SyncCounters counters;
    private final AtomicLong controlSequence;
    private final RetransmitRing ring;
    private final long originNs;
    private final int[] peerExpires;
    private final byte[] control = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
    private final ByteBuffer controlView = ByteBuffer.wrap(control);
    private SyncCodec codec;
    private AuthKeys codecKeys;
    private volatile AuthKeys keys;

    // Engine thread.
    private long sequence;
    private byte[] batch;
    private int batchEnd;
    private int batchCount;
    private int batchFlags;
    private long batchA;
    private long batchB;
    private long lastStatusNs;
    private long lastRefreshNs;
    private long refreshCarry;
    private int refreshCursor = NONE;
    private boolean dumping;
    private int dumpCursor;
    private long dumpRequestId;
    private long dumpBeginSequence;
    private long servedRequestGeneration = -1;
    private long servedRequestId = -1;
    private long lastFlushServed;

    // Receive thread to engine thread.
    private volatile long acked;
    private final LongQueue nacks = new LongQueue(1024);
    private volatile BulkRequest bulkRequest;

    // Flush.
    private final AtomicLong flushRequests = new AtomicLong();
    private volatile long flushTarget;
    private volatile long flushServed;
    private final Object flushLock = new Object();
    private volatile int flushWaiters;

    private record BulkRequest(long generation, long id) {
    }

    SyncSender(SyncConfig config, ForwardingEngine engine, DatagramChannel channel, AuthKeys keys,
            SyncCounters counters, AtomicLong controlSequence, long nowNs) {
        this.config = config;
        this.table = engine.connections();
        this.services = engine.services();
        this.channel = channel;
        this.counters = counters;
        this.controlSequence = controlSequence;
        this.ring = new RetransmitRing(config.ringDatagrams());
        this.originNs = nowNs;
        this.peerExpires = new int[table.capacity()];
        this.keys = keys;
        this.codecKeys = keys;
        this.codec = new SyncCodec(keys);
        this.lastRefreshNs = nowNs;
    }

    void updateKeys(AuthKeys newKeys) {
        keys = newKeys;
    }

    // ---------------------------------------------------------------- from the receive thread

    /** The peer has every DATA datagram up to {@code sequence}. */
    void onAck(long sequence) {
        if (sequence > acked) {
            acked = sequence;
            if (flushWaiters > 0) {
                synchronized (flushLock) {
                    flushLock.notifyAll();
                }
            }
        }
    }

    /** The peer misses sequences {@code first..last}. */
    void onNack(long first, long last) {
        nacks.offerPair(first, last);
    }

    /** The peer (in its {@code generation}) asks for full dump {@code id}. */
    void onBulkRequest(long generation, long id) {
        bulkRequest = new BulkRequest(generation, id);
    }

    // ---------------------------------------------------------------- any thread

    /**
     * Sends what is pending at the engine thread's next tick and waits until the peer has
     * acknowledged every datagram sent up to then, at most {@code timeoutMillis}.
     *
     * @return whether the peer acknowledged in time
     */
    boolean flush(long timeoutMillis) throws InterruptedException {
        long request = flushRequests.incrementAndGet();
        long deadlineMs = System.currentTimeMillis() + timeoutMillis;
        synchronized (flushLock) {
            flushWaiters++;
            try {
                while (flushServed < request || acked < flushTarget) {
                    long waitMs = deadlineMs - System.currentTimeMillis();
                    if (waitMs <= 0) {
                        return false;
                    }
                    flushLock.wait(waitMs);
                }
                return true;
            } finally {
                flushWaiters--;
            }
        }
    }

    long sequence() {
        return sequence;
    }

    long acked() {
        return acked;
    }

    // ---------------------------------------------------------------- engine thread

    void onTick(long nowNs) {
        AuthKeys k = keys;
        if (k != codecKeys) {
            codec.updateKeys(k);
            codecKeys = k;
        }
        serveNacks(nowNs);
        BulkRequest request = bulkRequest;
        if (request != null && (request.generation() != servedRequestGeneration || request.id() != servedRequestId)) {
            servedRequestGeneration = request.generation();
            servedRequestId = request.id();
            startDump(request.generation(), request.id(), nowNs);
        }
        int e;
        while ((e = table.pollChanged()) != NONE) {
            append(e, nowNs);
            counters.add(Counter.ENTRIES_SENT, 1);
        }
        refresh(nowNs);
        if (dumping) {
            continueDump(nowNs);
        }
        if (batch != null && (batchCount > 0 || (batchFlags & ~SyncCodec.FLAG_BULK) != 0)) {
            send(nowNs);
        }
        long flushes = flushRequests.get();
        if (flushes != lastFlushServed) {
            lastFlushServed = flushes;
            flushTarget = sequence;
            flushServed = flushes;
            synchronized (flushLock) {
                flushLock.notifyAll();
            }
        }
        long ackedNow = acked;
        if (sequence > ackedNow && nowNs - lastStatusNs >= config.statusIntervalNs()) {
            lastStatusNs = nowNs;
            sendControl(SyncCodec.TYPE_STATUS, sequence, 0);
        }
        long oldest = ackedNow >= sequence ? 0 : ring.sendNs(ackedNow + 1);
        counters.setUnacked(ackedNow >= sequence ? 0 : oldest == 0 ? originNs : oldest, sequence - ackedNow);
    }

    private void serveNacks(long nowNs) {
        int budget = MAX_RESENDS_PER_TICK;
        boolean missed = false;
        while (!nacks.isEmpty()) {
            long first = Math.max(nacks.first(), 1);
            long last = Math.min(nacks.second(), sequence);
            for (long s = first; s <= last && budget > 0; s++, budget--) {
                if (ring.contains(s)) {
                    write(ring.datagram(s));
                    counters.add(Counter.RESENDS, 1);
                } else if (s >= dumpBeginSequence) {
                    // Gone from the ring and not covered by a dump started since: dump again.
                    counters.add(Counter.RESEND_MISSES, 1);
                    missed = true;
                }
            }
        }
        if (missed && !dumping) {
            startDump(0, 0, nowNs);
        }
    }

    private void startDump(long requestGeneration, long requestId, long nowNs) {
        if (batch != null && (batchCount > 0 || (batchFlags & ~SyncCodec.FLAG_BULK) != 0)) {
            send(nowNs);
        }
        batch = null;
        dumping = true;
        dumpCursor = NONE;
        dumpRequestId = requestId;
        dumpBeginSequence = sequence + 1;
        open();
        batchFlags |= SyncCodec.FLAG_BULK_BEGIN;
        counters.add(Counter.BULK_DUMPS, 1);
    }

    private void continueDump(long nowNs) {
        while (sequence - acked < config.bulkWindowDatagrams()) {
            int e = table.nextInUse(dumpCursor);
            if (e == NONE) {
                if (batch == null) {
                    open();
                }
                batchFlags |= SyncCodec.FLAG_BULK_END;
                send(nowNs);
                dumping = false;
                return;
            }
            dumpCursor = e;
            append(e, nowNs);
            counters.add(Counter.BULK_ENTRIES_SENT, 1);
        }
    }

    private void refresh(long nowNs) {
        long elapsed = nowNs - lastRefreshNs;
        lastRefreshNs = nowNs;
        if (elapsed <= 0) {
            return;
        }
        // Entries to walk: the share of the table the elapsed time is of a period, carried in
        // units of 1/period so that short ticks still add up.
        long units = refreshCarry + elapsed * (long) table.capacity();
        long walk = units / config.refreshPeriodNs();
        refreshCarry = units % config.refreshPeriodNs();
        int nowTick = tick(nowNs);
        int margin = (int) (config.refreshMarginNs() >>> TICK_SHIFT);
        int lead = (int) ((config.refreshPeriodNs() + config.refreshMarginNs()) >>> TICK_SHIFT);
        for (long i = 0; i < walk; i++) {
            int e = refreshCursor + 1 < table.capacity() ? refreshCursor + 1 : 0;
            refreshCursor = e;
            if (!table.isInUse(e) || table.isChanged(e) || (table.isSynced(e) && table.packets(e) == 0)) {
                continue;
            }
            int peer = peerExpires[e];
            if (tick(table.deadlineNs(e)) - peer > margin && peer - nowTick < lead) {
                append(e, nowNs);
                counters.add(Counter.ENTRIES_SENT, 1);
                counters.add(Counter.REFRESHES_SENT, 1);
            }
        }
    }

    private int tick(long ns) {
        return (int) ((ns - originNs) >> TICK_SHIFT);
    }

    private void append(int e, long nowNs) {
        RealServerState server = services.server(table.serverId(e));
        long realHigh = server.addressHigh();
        long realLow = server.addressLow();
        int bytes = SyncCodec.entryBytes(!IpAddresses.isIPv4(table.virtualHigh(e), table.virtualLow(e)),
                !IpAddresses.isIPv4(realHigh, realLow));
        if (batch == null) {
            open();
        } else if (batchEnd + bytes > MAX_BODY_END) {
            send(nowNs);
            open();
        }
        long remainingNs = Math.max(0, table.deadlineNs(e) - nowNs);
        boolean template = table.isTemplate(e);
        batchEnd = SyncCodec.putEntry(batch, batchEnd, table.protocol(e), template, template ? 0 : table.state(e),
                table.clientHigh(e), table.clientLow(e), table.clientPort(e), table.virtualHigh(e),
                table.virtualLow(e), table.virtualPort(e), realHigh, realLow, server.port(),
                table.timeoutNs(e) / 1_000_000, remainingNs / 1_000_000);
        batchCount++;
        peerExpires[e] = tick(nowNs + remainingNs);
    }

    private void open() {
        batch = ring.claim(sequence + 1);
        batchEnd = SyncCodec.HEADER_BYTES;
        batchCount = 0;
        batchFlags = dumping ? SyncCodec.FLAG_BULK : 0;
        batchA = dumping ? dumpRequestId : 0;
        batchB = dumping ? dumpBeginSequence : 0;
    }

    private void send(long nowNs) {
        long s = sequence + 1;
        SyncCodec.putHeader(batch, SyncCodec.TYPE_DATA, batchFlags, batchCount, config.generation(), s, batchA,
                batchB);
        int length = codec.sign(batch, batchEnd);
        ring.commit(s, length, nowNs);
        sequence = s;
        batch = null;
        counters.add(Counter.DATAGRAMS_SENT, 1);
        counters.add(Counter.BYTES_SENT, length);
        write(ring.datagram(s));
    }

    private void sendControl(int type, long a, long b) {
        SyncCodec.putHeader(control, type, 0, 0, config.generation(), controlSequence.incrementAndGet(), a, b);
        int length = codec.sign(control, SyncCodec.HEADER_BYTES);
        controlView.limit(length).position(0);
        write(controlView);
    }

    private void write(ByteBuffer datagram) {
        try {
            if (channel.write(datagram) == 0) {
                counters.add(Counter.SEND_ERRORS, 1);
            }
        } catch (IOException e) {
            // Peer not listening (ICMP port unreachable on the connected socket), or buffer
            // trouble: counted; the peer's NACKs and dump requests repair what it missed.
            counters.add(Counter.SEND_ERRORS, 1);
        }
    }
}
