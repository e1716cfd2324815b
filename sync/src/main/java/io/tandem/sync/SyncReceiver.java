package io.tandem.sync;

import io.tandem.config.AuthKeys;
import io.tandem.sync.SyncCounters.Counter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving half of the sync, on its own thread: reads every datagram from the peer,
 * verifies it ({@link SyncCodec#verify}), and
 *
 * <pre>
 *  DATA          new sequence (StreamWindow) ─► its entries queued for the engine thread
 *                ({@link #applyReceived}, an ApplyBatch each);
 *                BULK_END ─► missing sequences before its dump's BEGIN are given up; the end of
 *                our own dump request, once everything up to it arrived and was applied, makes
 *                this node synchronised
 *  STATUS        the peer's highest sequence: a lost last datagram becomes a gap
 *  ACK, NACK,    about our own stream: handed to the {@link SyncSender}
 *  BULK_REQUEST
 * </pre>
 *
 * After each wake-up it acknowledges the highest sequence up to which everything arrived and
 * was applied to the table (so a flush that is acknowledged is in the peer's table), asks again for missing
 * sequences (NACK, at most every {@link SyncConfig#nackRetryNs}), and asks for a full dump when
 * the window overflowed, and while not synchronised whenever nothing of the dump it asked for
 * arrived for {@link SyncConfig#bulkRetryNs} (a new request id each time). A node that has not
 * heard the peer yet takes the peer's stream from the BEGIN of the dump it asked for (what came
 * before is in the dump); a lost BEGIN means no dump datagram counts, and it asks again. Bad
 * datagrams are counted by {@link DropReason}, never logged one by one.
 */
final class SyncReceiver implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncReceiver.class);
    private static final int POOL_BATCHES = 1024;
    private static final int READS_PER_WAKEUP = 256;
    private static final long POLL_MS = 5;

    private final SyncConfig config;
    private final DatagramChannel channel;
    private final Selector selector;
    private final SyncSender sender;
    private final ArrayBlockingQueue<ApplyBatch> ready = new ArrayBlockingQueue<>(POOL_BATCHES);
    private final SyncCounters counters;
    private final AtomicLong controlSequence;
    private final LongSupplier clockNs;
    private final ArrayBlockingQueue<ApplyBatch> pool = new ArrayBlockingQueue<>(POOL_BATCHES);
    private final byte[] in = new byte[SyncCodec.MAX_DATAGRAM_BYTES + 1];
    private final ByteBuffer inView = ByteBuffer.wrap(in);
    private final byte[] out = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
    private final ByteBuffer outView = ByteBuffer.wrap(out);
    private final long[] ranges = new long[2 * SyncCodec.MAX_RANGES];
    private final StreamWindow window = new StreamWindow();
    private final ControlWindow controls = new ControlWindow();
    private final Consumer<SelectionKey> onReadable = key -> readAll();
    private SyncCodec codec;
    private AuthKeys codecKeys;
    private volatile AuthKeys keys;
    private volatile boolean running = true;
    private volatile boolean synchronised;
    private volatile boolean bulkAbandoned;
    /** Engine thread to receive thread: the peer's stream is applied up to here; what an ACK says. */
    private volatile long appliedContiguous;
    /** When the last valid datagram of the peer arrived (receive thread writes, any thread reads). */
    private volatile long lastHeardNs;
    /** The highest DATA sequence of the peer known to exist (received or announced), as last seen. */
    private volatile long highestKnown;
    private final Object synchronisedLock = new Object();
    private final Runnable markSynchronised = this::onBulkApplied;

    private long bulkRequestId;
    private long bulkRequestNs;
    private long pendingBulkEnd;
    private long bulkActivityNs;
    private long lastAcked = -1;
    private long lastAckNs;
    private long lastNackNs;
    private boolean newGap;
    private long seenGaps;
    private long seenSkipped;

    SyncReceiver(SyncConfig config, DatagramChannel channel, SyncSender sender,
            AuthKeys keys, SyncCounters counters, AtomicLong controlSequence, LongSupplier clockNs,
            AppliedListener listener) throws IOException {
        this.config = config;
        this.channel = channel;
        this.sender = sender;
        this.counters = counters;
        this.controlSequence = controlSequence;
        this.clockNs = clockNs;
        this.keys = keys;
        this.codecKeys = keys;
        this.codec = new SyncCodec(keys);
        for (int i = 0; i < POOL_BATCHES; i++) {
            pool.add(new ApplyBatch(pool, counters, clockNs, listener));
        }
        selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    void updateKeys(AuthKeys newKeys) {
        keys = newKeys;
    }

    /** Engine thread: applies every batch received so far, in order; returns how many. */
    int applyReceived(io.tandem.director.ForwardingEngine engine) {
        int n = 0;
        ApplyBatch batch;
        long applied = appliedContiguous;
        while ((batch = ready.poll()) != null) {
            applied = batch.contiguous();
            batch.accept(engine);
            n++;
        }
        appliedContiguous = applied;
        return n;
    }

    boolean isSynchronised() {
        return synchronised;
    }

    /** Stops the thread within a poll interval. */
    void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            requestBulk(clockNs.getAsLong());
            while (running) {
                selector.select(onReadable, POLL_MS);
                onTimers(clockNs.getAsLong());
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("sync receive thread failed; the peer's connections are not learnt any more", e);
            }
        } finally {
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("closing the sync selector: {}", e.toString());
            }
        }
    }

    private void readAll() {
        AuthKeys k = keys;
        if (k != codecKeys) {
            codec.updateKeys(k);
            codecKeys = k;
        }
        for (int i = 0; i < READS_PER_WAKEUP; i++) {
            inView.clear();
            int length;
            try {
                length = channel.read(inView);
            } catch (IOException e) {
                // ICMP errors of the connected socket (peer not up yet) surface here.
                counters.add(Counter.RECEIVE_ERRORS, 1);
                continue;
            }
            if (length <= 0) {
                return;
            }
            counters.add(Counter.DATAGRAMS_RECEIVED, 1);
            onDatagram(length, clockNs.getAsLong());
        }
    }

    private void onDatagram(int length, long nowNs) {
        DropReason bad = codec.verify(in, length);
        if (bad != null) {
            counters.onDrop(bad);
            return;
        }
        int type = SyncCodec.type(in);
        onVerified(length, nowNs);
        if (type == SyncCodec.TYPE_DATA || type == SyncCodec.TYPE_STATUS) {
            // What describes the peer's own stream: after it, highest is what the peer has sent.
            highestKnown = window.highest();
            lastHeardNs = nowNs;
        }
    }

    /**
     * Whether the peer has been heard after {@code sinceNs} and every entry it is known to have
     * sent is applied here: after a partition, this node knows what the peer did meanwhile.
     */
    boolean isCaughtUpSince(long sinceNs) {
        long heard = lastHeardNs;
        return heard != 0 && heard - sinceNs > 0 && appliedContiguous >= highestKnown && synchronised;
    }

    private void onVerified(int length, long nowNs) {
        int type = SyncCodec.type(in);
        long generation = SyncCodec.generation(in);
        if (type == SyncCodec.TYPE_DATA) {
            onData(length, generation, nowNs);
            return;
        }
        if (!controls.accept(generation, SyncCodec.sequence(in))) {
            counters.onDrop(generation < window.generation() ? DropReason.OLD_GENERATION : DropReason.REPLAYED);
            return;
        }
        switch (type) {
            case SyncCodec.TYPE_STATUS -> {
                long before = window.generation();
                if (before == 0 && isWaitingForDump()) {
                    return;
                }
                window.announce(generation, SyncCodec.a(in));
                onGeneration(before, nowNs);
            }
            case SyncCodec.TYPE_ACK -> {
                if (SyncCodec.a(in) == config.generation()) {
                    sender.onAck(SyncCodec.b(in));
                }
            }
            case SyncCodec.TYPE_NACK -> {
                if (SyncCodec.a(in) == config.generation()) {
                    for (int i = 0; i < SyncCodec.count(in); i++) {
                        sender.onNack(SyncCodec.rangeFirst(in, i), SyncCodec.rangeLast(in, i));
                    }
                }
            }
            case SyncCodec.TYPE_BULK_REQUEST -> sender.onBulkRequest(generation, SyncCodec.a(in));
            default -> counters.onDrop(DropReason.BAD_TYPE);
        }
    }

    private void onData(int length, long generation, long nowNs) {
        ApplyBatch batch = pool.poll();
        if (batch == null) {
            // The engine thread is behind by a whole pool: leave the datagram unrecorded so the
            // peer sends it again, rather than block this thread.
            counters.add(Counter.APPLY_BACKLOG, 1);
            return;
        }
        long before = window.generation();
        long sequence = SyncCodec.sequence(in);
        if (before == 0 && isWaitingForDump()
                && !((SyncCodec.flags(in) & SyncCodec.FLAG_BULK_BEGIN) != 0 && SyncCodec.a(in) == bulkRequestId)) {
            // A fresh node takes the stream from the BEGIN of the dump it asked for: what came
            // before is in the dump. Without the BEGIN it asks again.
            pool.offer(batch);
            counters.add(Counter.BEFORE_DUMP, 1);
            return;
        }
        int verdict = window.accept(generation, sequence);
        if (verdict != StreamWindow.NEW) {
            pool.offer(batch);
            counters.onDrop(verdict == StreamWindow.OLD_GENERATION ? DropReason.OLD_GENERATION : DropReason.REPLAYED);
            return;
        }
        onGeneration(before, nowNs);
        int flags = SyncCodec.flags(in);
        Runnable after = null;
        boolean ours = (flags & SyncCodec.FLAG_BULK) != 0 && SyncCodec.a(in) == bulkRequestId && bulkRequestId != 0;
        if (ours && !synchronised) {
            bulkActivityNs = nowNs;
        }
        if ((flags & SyncCodec.FLAG_BULK_END) != 0) {
            window.skipBelow(SyncCodec.b(in));
            if (ours) {
                pendingBulkEnd = sequence;
            }
        }
        if (pendingBulkEnd != 0 && window.contiguous() >= pendingBulkEnd) {
            pendingBulkEnd = 0;
            after = markSynchronised;
        }
        batch.fill(in, bodyEnd(), window.contiguous(), after);
        ready.offer(batch);
    }

    /** Where the entries of the verified DATA datagram in {@code in} end (its MAC follows). */
    private int bodyEnd() {
        int p = SyncCodec.HEADER_BYTES;
        for (int i = SyncCodec.count(in); i > 0; i--) {
            p += SyncCodec.entryLength(in, p);
        }
        return p;
    }

    /** The window moved to a new generation of the peer: it restarted; ask for a dump if we still need one. */
    private void onGeneration(long before, long nowNs) {
        if (window.generation() != before && before != 0) {
            LOG.info("sync peer restarted (generation {} -> {})", before, window.generation());
            if (!synchronised) {
                requestBulk(nowNs);
            }
        }
    }

    private boolean isWaitingForDump() {
        return !synchronised && !bulkAbandoned;
    }

    private void onBulkApplied() {
        if (!synchronised) {
            LOG.info("sync: full table received from the peer");
        }
        counters.add(Counter.BULKS_COMPLETED, 1);
        synchronized (synchronisedLock) {
            synchronised = true;
            synchronisedLock.notifyAll();
        }
    }

    /** Waits until {@link #isSynchronised()}, at most {@code timeoutMillis}; returns it. */
    boolean awaitSynchronised(long timeoutMillis) throws InterruptedException {
        long deadlineMs = System.currentTimeMillis() + timeoutMillis;
        synchronized (synchronisedLock) {
            while (!synchronised) {
                long waitMs = deadlineMs - System.currentTimeMillis();
                if (waitMs <= 0) {
                    return false;
                }
                synchronisedLock.wait(waitMs);
            }
            return true;
        }
    }

    /** Stops asking for a full dump (this node went active alone: its table is the reference now). */
    void abandonBulkRequest() {
        bulkAbandoned = true;
    }

    /** Refuses the peer's generations before {@code generation}. */
    void seedPeerGeneration(long generation) {
        window.seed(generation);
    }

    private void onTimers(long nowNs) {
        if (window.takeOverflowed()) {
            requestBulk(nowNs);
        } else if (!synchronised && !bulkAbandoned
                && nowNs - Math.max(bulkRequestNs, bulkActivityNs) >= config.bulkRetryNs()) {
            // Nothing of the dump for a retry interval (request or dump lost): ask for a new one.
            requestBulk(nowNs);
        }
        if (window.gaps() != seenGaps) {
            counters.add(Counter.GAPS, window.gaps() - seenGaps);
            seenGaps = window.gaps();
            newGap = true;
        }
        if (window.skipped() != seenSkipped) {
            counters.add(Counter.GAPS_SKIPPED, window.skipped() - seenSkipped);
            seenSkipped = window.skipped();
        }
        if (window.generation() == 0) {
            return;
        }
        long contiguous = Math.min(appliedContiguous, window.contiguous());
        if (contiguous != lastAcked || nowNs - lastAckNs >= config.ackKeepaliveNs()) {
            lastAcked = contiguous;
            lastAckNs = nowNs;
            sendControl(SyncCodec.TYPE_ACK, window.generation(), contiguous, 0);
        }
        if (window.hasMissing() && (newGap || nowNs - lastNackNs >= config.nackRetryNs())) {
            newGap = false;
            lastNackNs = nowNs;
            int n = window.missingRanges(ranges, SyncCodec.MAX_RANGES);
            if (n > 0) {
                sendControl(SyncCodec.TYPE_NACK, window.generation(), 0, n);
                counters.add(Counter.NACKS_SENT, 1);
            }
        }
    }

    private void requestBulk(long nowNs) {
        bulkRequestId++;
        bulkRequestNs = nowNs;
        pendingBulkEnd = 0;
        sendControl(SyncCodec.TYPE_BULK_REQUEST, bulkRequestId, 0, 0);
        counters.add(Counter.BULK_REQUESTS_SENT, 1);
    }

    private void sendControl(int type, long a, long b, int rangeCount) {
        SyncCodec.putHeader(out, type, 0, rangeCount, config.generation(), controlSequence.incrementAndGet(), a, b);
        int end = SyncCodec.HEADER_BYTES;
        for (int i = 0; i < rangeCount; i++) {
            end = SyncCodec.putRange(out, end, ranges[2 * i], ranges[2 * i + 1]);
        }
        int length = codec.sign(out, end);
        outView.limit(length).position(0);
        try {
            channel.write(outView);
        } catch (IOException e) {
            counters.add(Counter.SEND_ERRORS, 1);
        }
    }
}
