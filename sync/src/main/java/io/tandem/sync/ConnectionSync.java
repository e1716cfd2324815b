package io.tandem.sync;

import io.tandem.config.AuthKeys;
import io.tandem.director.ForwardingEngine;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection-state replication between the two directors: this node's half. It streams the
 * entries its {@link ForwardingEngine}'s connection table creates and changes to the peer, and
 * applies the peer's stream to the same table, whichever node is active (so a fail-back keeps
 * connections too); it sends a full dump when the peer asks (a node that starts asks at once),
 * and confirms on demand that the peer has everything ({@link #flush}).
 *
 * <pre>
 *  engine thread (forwarder tick, or EngineLoop):  onTick(now): apply received ─► SyncSender
 *  thread "tandem-sync-rx":                          SyncReceiver: read, verify, ACK/NACK
 *  any thread:                                       flush, isSynchronised, counters, updateKeys
 *  one UDP socket: bound to config.local(), connected to config.peer() (default port 8848)
 * </pre>
 *
 * Wire format: {@link SyncCodec}. Threading: {@link #onTick} must be called by the one thread
 * that owns the engine, every few milliseconds (the forwarder's 10 ms timer tick): an entry
 * waits for the next tick before it is sent, and a received one before it is applied, so the
 * tick interval bounds the sync's added lag twice.
 */
public final class ConnectionSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSync.class);
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final SyncConfig config;
    private final ForwardingEngine engine;
    private final SyncCounters counters = new SyncCounters();
    private final DatagramChannel channel;
    private final SyncSender sender;
    private final SyncReceiver receiver;
    private Thread thread;

    /**
     * Opens the socket (bound and connected; no datagram is sent yet) for {@code engine}, signing
     * with {@code keys}.
     *
     * @param listener hears every applied entry on the engine thread, or null
     * @throws IOException if the local address cannot be bound
     */
    public ConnectionSync(SyncConfig config, AuthKeys keys, ForwardingEngine engine, LongSupplier clockNs,
            AppliedListener listener) throws IOException {
        this.config = config;
        this.engine = engine;
        channel = DatagramChannel.open(config.local().getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(config.local());
            channel.connect(config.peer());
            channel.configureBlocking(false);
            AtomicLong controlSequence = new AtomicLong();
            sender = new SyncSender(config, engine, channel, keys, counters, controlSequence, clockNs.getAsLong());
            receiver = new SyncReceiver(config, channel, sender, keys, counters, controlSequence, clockNs, listener);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("sync: cannot use " + config.local() + " towards peer " + config.peer() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Starts the receive thread, which asks the peer for a full dump at once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("sync on " + config.local() + " is already started");
        }
        thread = new Thread(receiver, "tandem-sync-rx");
        thread.setDaemon(true);
        thread.start();
        LOG.info("sync started: {} <-> {}, generation {}", config.local(), config.peer(), config.generation());
    }

    /**
     * Engine thread, every tick: applies what the peer sent since the last tick, then sends what
     * the table changed, refreshes, resends, dumps ({@link SyncSender}). Allocates nothing.
     */
    public void onTick(long nowNs) {
        receiver.applyReceived(engine);
        sender.onTick(nowNs);
    }

    /**
     * Planned hand-over: waits until the peer has acknowledged everything this node sent up to
     * the engine thread's next tick (which sends what is pending), at most {@code timeoutMillis}.
     * Call it after the forwarder stopped taking new connections and before the VIP moves; the
     * engine's owner must keep ticking.
     *
     * @return whether the peer acknowledged everything in time
     */
    public boolean flush(long timeoutMillis) throws InterruptedException {
        return sender.flush(timeoutMillis);
    }

    /**
     * Whether the peer has been heard after {@code sinceNs} (another node's clock is never read:
     * this node's) and everything it is known to have sent is applied here. A node that held its
     * group through a partition waits for this before scheduling packets of connections it does
     * not know (see {@code ForwardingEngine.holdMidFlow}).
     */
    public boolean isCaughtUpSince(long sinceNs) {
        return receiver.isCaughtUpSince(sinceNs);
    }

    /** Whether this node has received and applied a full dump of the peer's table since it started. */
    public boolean isSynchronised() {
        return receiver.isSynchronised();
    }

    /**
     * Waits until {@link #isSynchronised()}, at most {@code timeoutMillis} (a node alone gets no
     * dump: start anyway after the timeout); returns it.
     */
    public boolean awaitSynchronised(long timeoutMillis) throws InterruptedException {
        return receiver.awaitSynchronised(timeoutMillis);
    }

    /**
     * This node became active without a full dump (the peer did not answer within the start-up
     * wait): stop asking for one, so that a peer that comes up later does not send this node's own
     * entries back to it. A peer that restarts still gets this node's table when it asks.
     */
    public void abandonBulkRequest() {
        receiver.abandonBulkRequest();
    }

    /** Refuses datagrams of the peer's generations before {@code generation} (the last one seen, from disk). */
    public void seedPeerGeneration(long generation) {
        receiver.seedPeerGeneration(generation);
    }

    /** Key rotation (reload): both threads pick the new keys up at their next datagram. */
    public void updateKeys(AuthKeys keys) {
        sender.updateKeys(keys);
        receiver.updateKeys(keys);
    }

    public SyncCounters counters() {
        return counters;
    }

    public SyncConfig config() {
        return config;
    }

    /** Stops the receive thread and closes the socket. */
    @Override
    public synchronized void close() throws IOException {
        if (thread != null) {
            receiver.stop();
            try {
                thread.join(STOP_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        channel.close();
        LOG.info("sync stopped: {}", counters);
    }
}
