package io.tandem.director.forward;

import io.tandem.director.ForwardingEngine;
import io.tandem.director.RealServerState;
import io.tandem.director.ServiceTable;
import io.tandem.director.packet.EthernetFrame;
import io.tandem.linux.BpfProgram;
import io.tandem.linux.LinuxException;
import io.tandem.linux.Links;
import io.tandem.linux.NeighbourEntry;
import io.tandem.linux.PacketRing;
import io.tandem.linux.RtNetlink;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director's data path: one thread that owns the {@link ForwardingEngine}, reads frames from
 * the AF_PACKET ring of the clients' interface (and of the servers' interface when it is
 * another), hands each to a {@link FrameProcessor}, and sends the result straight out of the
 * ring. It also ticks the engine's timer, serves its work queue ({@link #execute}: health
 * verdicts, weight changes, sync input) and keeps the real servers' MACs from the kernel's
 * neighbour table.
 *
 * <p>The thread lives from {@link #open()} to {@link #close()}; packets flow only between
 * {@link #start()} and {@link #stop()}. In between (a standby director) it stays idle: it still
 * expires connections and serves the work queue, so synced connections and health verdicts
 * reach the engine before a takeover.
 *
 * <pre>
 *  open():   nft table (KernelBypass) ─► thread "tandem-forwarder", idle
 *  start():  GRO/LRO off on its interfaces ─► rings + BPF filter (ServiceFilter) ─► rtnetlink ─► ask kernel
 *            to resolve every real server ─► published to the thread, which starts forwarding
 *  loop:     up to 256 frames per ring ─► onFrame ─► queue on the TX ring (one sendto per
 *            batch; or one sendto per frame without a TX ring) ─► every timerInterval: onTimer,
 *            work queue, missing MACs (and all MACs every neighbourRefresh) ─► poll when idle
 *  stop():   the thread lets go of the rings (within a poll interval) ─► rings and rtnetlink
 *            closed; the thread goes on idle
 *  close():  stop() ─► the thread ends ─► nft table gone
 * </pre>
 *
 * <p>{@link #start()} opens sockets in the calling thread's network namespace. A real server's
 * MAC is that of its address on the servers' interface: real servers must be on that link
 * (a TUN server behind a router is left for later). Until a server's MAC is known its packets
 * are dropped and counted; the kernel is asked to resolve it, as a routed packet would have.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final int BATCH_FRAMES = 256;
    private static final long RESOLVE_RETRY_NS = 200_000_000L;
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final ForwarderConfig config;
    private final ServiceTable services;
    private final LongSupplier clockNs;
    private final ForwarderCounters counters = new ForwarderCounters();
    private final KernelBypass kernelBypass;
    private final ConcurrentLinkedQueue<Consumer<ForwardingEngine>> work = new ConcurrentLinkedQueue<>();
    private long[] lastResolveNs;
    private final ForwardingEngine engine;
    /** NAT clients' MACs by address; outlives stop and start, so a fail-back finds them. */
    private final ClientMacCache clientMacCache = new ClientMacCache();
    private volatile boolean closing;
    /** The rings the thread should forward on; null: idle. Written by start/stop. */
    private volatile DataPath requested;
    /** The rings the thread is using now; stop() waits for it to let go. */
    private volatile DataPath inUse;
    private volatile int knownServerMacs;
    private volatile Throwable failure;
    private volatile java.util.function.LongConsumer tickListener = now -> { };
    private Thread thread;
    private DataPath path;
    private long nextTimerNs;
    private long nextNeighbourNs;

    /** What the thread forwards with: opened by start(), closed by stop(). */
    private record DataPath(PacketRing clientRing, PacketRing serverRing, RtNetlink rtnl, int serverIfIndex,
            FrameProcessor processor) {
        PacketRing serverSide() {
            return serverRing == null ? clientRing : serverRing;
        }
    }

    /**
     * A forwarder for {@code services} with its engine and connection table, which live as long as
     * the forwarder, across {@link #stop()} and {@link #start()} (a takeover starts with what was
     * synced); nothing touches the kernel until {@link #start()}.
     */
    public Forwarder(ForwarderConfig config, ServiceTable services, LongSupplier clockNs) {
        this.config = config;
        this.services = services;
        this.clockNs = clockNs;
        this.kernelBypass = new KernelBypass(config.nftCommand());
        this.lastResolveNs = new long[services.serverCount()];
        this.engine = new ForwardingEngine(services, config.connectionCapacity(), config.timeouts(),
                clockNs.getAsLong());
    }

    /**
     * Installs the nftables table and starts the thread, idle: the engine's timer and work queue
     * are served, no packet is read. Idempotent.
     *
     * <p>The table stays from here to {@link #close()}, not only while forwarding: a VIP is on the
     * director a moment before the rings open at a takeover and a moment after they close at a
     * hand-over, and in those moments the director's own stack would answer the clients'
     * established connections with RSTs. On a standby no VIP traffic arrives, so the rules drop
     * nothing there.
     *
     * @throws IOException if nft fails
     */
    public synchronized void open() throws IOException {
        if (thread != null) {
            return;
        }
        if (closing) {
            throw new IllegalStateException("forwarder on " + config.clientInterface() + " is closed");
        }
        kernelBypass.install(services);
        nextTimerNs = clockNs.getAsLong() + config.timerIntervalNs();
        thread = new Thread(this::run, "tandem-forwarder");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Installs the nftables table, opens the rings (in the calling thread's network namespace)
     * and makes the thread forward (opening it first if need be).
     *
     * @throws IOException if nft fails, an interface is missing, or the kernel refuses a ring
     * @throws IllegalStateException if already forwarding, or the thread failed
     */
    public synchronized void start() throws IOException {
        if (path != null) {
            throw new IllegalStateException("forwarder on " + config.clientInterface() + " is already started");
        }
        if (failure != null) {
            throw new IllegalStateException("forwarding thread failed earlier: " + failure);
        }
        open();
        PacketRing clientRing = null;
        PacketRing serverRing = null;
        RtNetlink rtnl = null;
        for (String ifName : config.isOneArm() ? List.of(config.clientInterface())
                : List.of(config.clientInterface(), config.serverInterface())) {
            List<String> off = Links.disableReceiveOffloads(ifName);
            if (!off.isEmpty()) {
                // Merged frames (GRO/LRO) exceed the MTU: the forwarder could not send them on.
                LOG.info("turned {} off on {}: the forwarder must see frames as they were on the wire", off, ifName);
            }
        }
        try {
            BpfProgram filter = ServiceFilter.of(services);
            clientRing = PacketRing.open(config.clientInterface(), config.ring(), -1, filter);
            serverRing = config.isOneArm() ? null
                    : PacketRing.open(config.serverInterface(), config.ring(), -1, filter);
            long clientMac = EthernetFrame.macOf(Links.macAddress(config.clientInterface()));
            long serverMac = EthernetFrame.macOf(Links.macAddress(config.serverInterface()));
            rtnl = RtNetlink.open();
            FrameProcessor processor = new FrameProcessor(engine, counters, clientMac, serverMac, config.mtuBytes(),
                    config.tunnelSourceV4(), config.tunnelSourceV6(), clientMacCache);
            path = new DataPath(clientRing, serverRing, rtnl, rtnl.linkIndex(config.serverInterface()), processor);
        } catch (IOException | RuntimeException e) {
            closeQuietly(clientRing, serverRing, rtnl);
            throw e;
        }
        requested = path;
        LockSupport.unpark(thread);
        LOG.info("forwarder started: clients on {}, servers on {}, {} services, {} servers", config.clientInterface(),
                config.serverInterface(), services.serviceCount(), services.serverCount());
    }

    /** Makes the thread let go of the rings and closes them (the nftables table stays); idempotent. */
    public synchronized void stop() throws IOException {
        if (path == null) {
            return;
        }
        requested = null;
        long deadline = System.nanoTime() + STOP_TIMEOUT_MS * 1_000_000L;
        while (inUse != null && thread.isAlive() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(1_000_000L);
        }
        if (inUse != null && thread.isAlive()) {
            throw new IllegalStateException("forwarding thread did not let go of its rings within " + STOP_TIMEOUT_MS + " ms");
        }
        try {
            readRingStatistics(path);
        } catch (LinuxException e) {
            LOG.debug("ring statistics unavailable at stop: {}", e.getMessage());
        }
        DataPath p = path;
        path = null;
        closeQuietly(p.clientRing(), p.serverRing(), p.rtnl());
        LOG.info("forwarder stopped: {}", counters);
    }

    /** Stops forwarding, ends the thread and removes the nftables table. */
    @Override
    public synchronized void close() throws IOException {
        try {
            stop();
        } finally {
            if (thread != null) {
                kernelBypass.remove();
            }
            closing = true;
            if (thread != null) {
                LockSupport.unpark(thread);
                try {
                    thread.join(STOP_TIMEOUT_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void closeQuietly(PacketRing clientRing, PacketRing serverRing, RtNetlink rtnl) {
        if (clientRing != null) {
            clientRing.close();
        }
        if (serverRing != null) {
            serverRing.close();
        }
        if (rtnl != null) {
            rtnl.close();
        }
    }

    /**
     * Adds virtual services (a reload), forwarding or idle, without touching a connection: the
     * kernel-bypass table first (the kernel stops answering the new VIP:port), then the services
     * on the forwarding thread, then the rings' BPF filter (their packets reach us). {@code onAdded}
     * runs on the forwarding thread right after they are in the table (health state, ...).
     *
     * @throws IOException if nft or the filter fails; the table may then hold the new services
     *                     without their packets reaching the forwarder (a restart clears it)
     */
    public void addServices(List<io.tandem.director.VirtualService> more, Consumer<ForwardingEngine> onAdded)
            throws IOException {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        List<io.tandem.director.VirtualService> all = new java.util.ArrayList<>();
        services.services().forEach(s -> all.add(s.spec()));
        all.addAll(more);
        // Built whole first: a service configured twice throws before the kernel is told anything.
        kernelBypass.install(new ServiceTable(all));
        execute(engine -> {
            try {
                services.append(more);
                lastResolveNs = java.util.Arrays.copyOf(lastResolveNs, services.serverCount());
                DataPath p = inUse;
                if (p != null) {
                    p.processor().onServersAdded();
                }
                onAdded.accept(engine);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(STOP_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while adding services", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the forwarding thread did not take the new services: " + e.getMessage(), e);
        }
        synchronized (this) {
            if (path != null) {
                BpfProgram filter = ServiceFilter.of(services);
                path.clientRing().attachFilter(filter);
                if (path.serverRing() != null) {
                    path.serverRing().attachFilter(filter);
                }
            }
        }
        LOG.info("forwarder: {} virtual service(s) added, {} in all", more.size(), services.serviceCount());
    }

    /**
     * Called on the forwarding thread at every timer tick (after expiry and the work queue), forwarding
     * or idle: the sync stream sends and applies there. Must not block or allocate per call.
     */
    public void setTickListener(java.util.function.LongConsumer listener) {
        this.tickListener = java.util.Objects.requireNonNull(listener, "listener");
    }

    /** Runs {@code task} on the forwarding thread at its next timer tick (health checks, weights, sync). */
    public void execute(Consumer<ForwardingEngine> task) {
        work.add(task);
    }

    /** Whether packets are being forwarded (false when idle, after {@link #stop()} or a failure). */
    public boolean isRunning() {
        return requested != null && failure == null && thread != null && thread.isAlive();
    }

    /** What stopped the forwarding thread, or null. */
    public Throwable failure() {
        return failure;
    }

    public ForwarderCounters counters() {
        return counters;
    }

    /**
     * The engine. While the thread runs, only it may touch the engine (hand work over with
     * {@link #execute}); its counters and the servers' numbers may be read from any thread.
     */
    public ForwardingEngine engine() {
        return engine;
    }

    /**
     * Bytes the forwarding thread has allocated on the Java heap since it started, or -1 if the
     * JVM cannot tell (a metric: it should stay flat while packets flow).
     */
    public long allocatedBytes() {
        Thread t = thread;
        if (t == null || !(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean)) {
            return -1;
        }
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(t.getId());
    }

    /** How many real servers' MACs are known. */
    public int knownServerMacs() {
        return knownServerMacs;
    }

    private void run() {
        try {
            int pollMillis = (int) Math.max(1, config.timerIntervalNs() / 1_000_000);
            while (!closing) {
                DataPath p = requested;
                if (p != inUse) {
                    inUse = p;
                    if (p != null) {
                        // Made on another thread: services added meanwhile need room (idempotent).
                        p.processor().onServersAdded();
                        long now = clockNs.getAsLong();
                        refreshNeighbours(p, now, true);
                        nextNeighbourNs = now + config.neighbourRefreshNs();
                    }
                }
                long now = clockNs.getAsLong();
                if (p == null) {
                    if (now - nextTimerNs >= 0) {
                        onTimer(null, now);
                    }
                    LockSupport.parkNanos(Math.max(0, nextTimerNs - now));
                    continue;
                }
                int frames = drain(p, p.clientRing(), FrameProcessor.CLIENT_SIDE, now);
                if (p.serverRing() != null) {
                    frames += drain(p, p.serverRing(), FrameProcessor.SERVER_SIDE, now);
                }
                if (now - nextTimerNs >= 0) {
                    onTimer(p, now);
                }
                if (frames == 0) {
                    if (p.serverRing() == null) {
                        p.clientRing().awaitFrames(pollMillis);
                    } else {
                        p.clientRing().awaitFrames(p.serverRing(), pollMillis);
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
            LOG.error("forwarding thread failed; no packets are forwarded now", t);
        } finally {
            inUse = null;
        }
    }

    private int drain(DataPath p, PacketRing ring, int side, long now) {
        FrameProcessor processor = p.processor();
        PacketRing serverSide = p.serverSide();
        PacketRing clientRing = p.clientRing();
        int frames = 0;
        while (frames < BATCH_FRAMES && ring.nextFrame()) {
            frames++;
            boolean partial = (ring.frameStatus() & PacketRing.TP_STATUS_CSUMNOTREADY) != 0;
            int action = processor.onFrame(ring.buffer(), ring.frameOffset(), ring.frameLength(), side, partial,
                    serverSide.txBuffer(), now);
            boolean sent = true;
            if (action == FrameProcessor.SEND_IN_PLACE) {
                PacketRing out = processor.sendSide() == FrameProcessor.SERVER_SIDE ? serverSide : clientRing;
                sent = out.hasTxRing() ? out.queueFrom(ring, processor.sendOffset(), processor.sendLength())
                        : out.sendFrom(ring, processor.sendOffset(), processor.sendLength());
            } else if (action == FrameProcessor.SEND_BUILT) {
                sent = serverSide.hasTxRing() ? serverSide.queueTxBuffer(processor.sendLength())
                        : serverSide.sendTxBuffer(processor.sendLength());
            }
            if (!sent) {
                processor.onSendFailed();
            }
        }
        if (frames > 0) {
            // Queued frames go out before the ring's block is walked past (and before a poll).
            clientRing.flush();
            if (p.serverRing() != null) {
                p.serverRing().flush();
            }
        }
        return frames;
    }

    /** Expiry, the work queue and, while forwarding ({@code p} not null), ring statistics and MACs. */
    private void onTimer(DataPath p, long now) throws LinuxException {
        engine.onTimer(now);
        Consumer<ForwardingEngine> task;
        while ((task = work.poll()) != null) {
            try {
                task.accept(engine);
            } catch (RuntimeException e) {
                LOG.warn("forwarder work item failed: {}", e.toString());
            }
        }
        tickListener.accept(now);
        nextTimerNs = now + config.timerIntervalNs();
        if (p == null) {
            return;
        }
        boolean full = now - nextNeighbourNs >= 0;
        if (full) {
            nextNeighbourNs = now + config.neighbourRefreshNs();
            readRingStatistics(p);
            warnAboutOversizedFrames();
        }
        if (p.processor().takeServerMacMissing() || full || knownServerMacs < services.serverCount()) {
            refreshNeighbours(p, now, full);
        }
    }

    private long tooBigSeen;

    /** Once per neighbour refresh at most: frames above the MTU mean a misconfigured link, and TCP stalls. */
    private void warnAboutOversizedFrames() {
        long tooBig = counters.get(ForwarderCounters.Counter.DROP_TOO_BIG);
        if (tooBig > tooBigSeen) {
            LOG.warn("dropped {} frame(s) larger than the MTU ({} bytes) since the last look: a sender hands over "
                    + "TSO/GSO frames unsegmented (virtual links: set gso_max_segs 1 on the sender's side) or "
                    + "LRO/GRO merges them on {}; connections through it stall", tooBig - tooBigSeen, config.mtuBytes(),
                    config.isOneArm() ? config.clientInterface() : config.clientInterface() + "/" + config.serverInterface());
        }
        tooBigSeen = tooBig;
    }

    private void readRingStatistics(DataPath p) throws LinuxException {
        PacketRing clientRing = p.clientRing();
        PacketRing serverRing = p.serverRing();
        long before = clientRing.droppedFrames() + (serverRing == null ? 0 : serverRing.droppedFrames());
        clientRing.readStatistics();
        if (serverRing != null) {
            serverRing.readStatistics();
        }
        long after = clientRing.droppedFrames() + (serverRing == null ? 0 : serverRing.droppedFrames());
        counters.add(ForwarderCounters.Counter.RING_DROPS, after - before);
    }

    /** Looks up the servers' MACs (all, or only the missing ones) and asks the kernel to resolve the rest. */
    private void refreshNeighbours(DataPath p, long now, boolean all) throws LinuxException {
        FrameProcessor processor = p.processor();
        int known = 0;
        for (int id = 0; id < services.serverCount(); id++) {
            long mac = processor.serverMac(id);
            if (mac != EthernetFrame.NO_MAC && !all) {
                known++;
                continue;
            }
            RealServerState server = services.server(id);
            NeighbourEntry entry = p.rtnl().neighbour(p.serverIfIndex(), server.config().address());
            if (entry != null && entry.isUsable()) {
                processor.setServerMac(id, entry.macAsLong());
                known++;
            } else {
                // A failed entry (the link was down, the server did not answer ARP for a while)
                // keeps the MAC we knew: a real server's MAC rarely changes, and dropping its
                // packets until the kernel resolves it again would stall every connection to it
                // for a second or more after a partition heals. The kernel is asked again below.
                if (mac != EthernetFrame.NO_MAC) {
                    known++;
                }
                if (lastResolveNs[id] == 0 || now - lastResolveNs[id] - RESOLVE_RETRY_NS >= 0) {
                    lastResolveNs[id] = now;
                    p.rtnl().resolveNeighbour(p.serverIfIndex(), server.config().address());
                }
            }
        }
        knownServerMacs = known;
    }
}
