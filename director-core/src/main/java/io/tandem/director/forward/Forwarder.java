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
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * <pre>
 *  start():  nft table (KernelBypass) ─► rings + BPF filter (ServiceFilter) ─► rtnetlink ─► engine ─► ask kernel to resolve
 *            every real server ─► thread "tandem-forwarder"
 *  loop:     up to 256 frames per ring ─► onFrame ─► queue on the TX ring (one sendto per
 *            batch; or one sendto per frame without a TX ring) ─► every timerInterval: onTimer,
 *            work queue, missing MACs (and all MACs every neighbourRefresh) ─► poll when idle
 *  stop():   thread ends (within a poll interval) ─► rings and rtnetlink closed ─► nft table gone
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
    private static final long RESOLVE_RETRY_NS = 1_000_000_000L;
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final ForwarderConfig config;
    private final ServiceTable services;
    private final LongSupplier clockNs;
    private final ForwarderCounters counters = new ForwarderCounters();
    private final KernelBypass kernelBypass;
    private final ConcurrentLinkedQueue<Consumer<ForwardingEngine>> work = new ConcurrentLinkedQueue<>();
    private final long[] lastResolveNs;
    private volatile boolean running;
    private volatile int knownServerMacs;
    private volatile Throwable failure;
    private Thread thread;
    private PacketRing clientRing;
    private PacketRing serverRing;
    private RtNetlink rtnl;
    private int serverIfIndex;
    private final ForwardingEngine engine;
    private FrameProcessor processor;
    private long nextTimerNs;
    private long nextNeighbourNs;

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
     * Installs the nftables table, opens the rings (in the calling thread's network namespace)
     * and starts the forwarding thread.
     *
     * @throws IOException if nft fails, an interface is missing, or the kernel refuses a ring
     * @throws IllegalStateException if already started
     */
    public synchronized void start() throws IOException {
        if (thread != null) {
            throw new IllegalStateException("forwarder on " + config.clientInterface() + " is already started");
        }
        kernelBypass.install(services);
        try {
            BpfProgram filter = ServiceFilter.of(services);
            clientRing = PacketRing.open(config.clientInterface(), config.ring(), -1, filter);
            serverRing = config.isOneArm() ? null
                    : PacketRing.open(config.serverInterface(), config.ring(), -1, filter);
            long clientMac = EthernetFrame.macOf(Links.macAddress(config.clientInterface()));
            long serverMac = EthernetFrame.macOf(Links.macAddress(config.serverInterface()));
            rtnl = RtNetlink.open();
            serverIfIndex = rtnl.linkIndex(config.serverInterface());
            long now = clockNs.getAsLong();
            processor = new FrameProcessor(engine, counters, clientMac, serverMac, config.mtuBytes(),
                    config.tunnelSourceV4(), config.tunnelSourceV6());
            refreshNeighbours(now, true);
            nextTimerNs = now + config.timerIntervalNs();
            nextNeighbourNs = now + config.neighbourRefreshNs();
        } catch (IOException | RuntimeException e) {
            closeResources();
            throw e;
        }
        running = true;
        thread = new Thread(this::run, "tandem-forwarder");
        thread.setDaemon(true);
        thread.start();
        LOG.info("forwarder started: clients on {}, servers on {}, {} services, {} servers", config.clientInterface(),
                config.serverInterface(), services.serviceCount(), services.serverCount());
    }

    /** Stops the thread, closes the rings and removes the nftables table; idempotent. */
    public synchronized void stop() throws IOException {
        if (thread == null) {
            return;
        }
        running = false;
        try {
            thread.join(STOP_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("forwarding thread did not stop within " + STOP_TIMEOUT_MS + " ms");
        }
        thread = null;
        closeResources();
        LOG.info("forwarder stopped: {}", counters);
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    private void closeResources() throws IOException {
        if (clientRing != null && thread == null && processor != null) {
            try {
                readRingStatistics();
            } catch (LinuxException e) {
                LOG.debug("ring statistics unavailable at stop: {}", e.getMessage());
            }
        }
        if (clientRing != null) {
            clientRing.close();
            clientRing = null;
        }
        if (serverRing != null) {
            serverRing.close();
            serverRing = null;
        }
        if (rtnl != null) {
            rtnl.close();
            rtnl = null;
        }
        kernelBypass.remove();
    }

    /** Runs {@code task} on the forwarding thread at its next timer tick (health checks, weights, sync). */
    public void execute(Consumer<ForwardingEngine> task) {
        work.add(task);
    }

    /** Whether the forwarding thread is running (false after {@link #stop()} or a failure). */
    public boolean isRunning() {
        return running;
    }

    /** What stopped the forwarding thread, or null. */
    public Throwable failure() {
        return failure;
    }

    public ForwarderCounters counters() {
        return counters;
    }

    /**
     * The engine. While the forwarder runs, only its thread may touch it (hand work over with
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
            PacketRing serverSide = serverRing == null ? clientRing : serverRing;
            int pollMillis = (int) Math.max(1, config.timerIntervalNs() / 1_000_000);
            while (running) {
                long now = clockNs.getAsLong();
                int frames = drain(clientRing, FrameProcessor.CLIENT_SIDE, serverSide, now);
                if (serverRing != null) {
                    frames += drain(serverRing, FrameProcessor.SERVER_SIDE, serverSide, now);
                }
                if (now - nextTimerNs >= 0) {
                    onTimer(now);
                }
                if (frames == 0) {
                    if (serverRing == null) {
                        clientRing.awaitFrames(pollMillis);
                    } else {
                        clientRing.awaitFrames(serverRing, pollMillis);
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
            running = false;
            LOG.error("forwarding thread failed; no packets are forwarded now", t);
        }
    }

    private int drain(PacketRing ring, int side, PacketRing serverSide, long now) {
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
            if (serverRing != null) {
                serverRing.flush();
            }
        }
        return frames;
    }

    private void onTimer(long now) throws LinuxException {
        engine.onTimer(now);
        Consumer<ForwardingEngine> task;
        while ((task = work.poll()) != null) {
            try {
                task.accept(engine);
            } catch (RuntimeException e) {
                LOG.warn("forwarder work item failed: {}", e.toString());
            }
        }
        boolean full = now - nextNeighbourNs >= 0;
        if (full) {
            nextNeighbourNs = now + config.neighbourRefreshNs();
            readRingStatistics();
        }
        if (processor.takeServerMacMissing() || full || knownServerMacs < services.serverCount()) {
            refreshNeighbours(now, full);
        }
        nextTimerNs = now + config.timerIntervalNs();
    }

    private void readRingStatistics() throws LinuxException {
        long before = clientRing.droppedFrames() + (serverRing == null ? 0 : serverRing.droppedFrames());
        clientRing.readStatistics();
        if (serverRing != null) {
            serverRing.readStatistics();
        }
        long after = clientRing.droppedFrames() + (serverRing == null ? 0 : serverRing.droppedFrames());
        counters.add(ForwarderCounters.Counter.RING_DROPS, after - before);
    }

    /** Looks up the servers' MACs (all, or only the missing ones) and asks the kernel to resolve the rest. */
    private void refreshNeighbours(long now, boolean all) throws LinuxException {
        int known = 0;
        for (int id = 0; id < services.serverCount(); id++) {
            long mac = processor.serverMac(id);
            if (mac != EthernetFrame.NO_MAC && !all) {
                known++;
                continue;
            }
            RealServerState server = services.server(id);
            NeighbourEntry entry = rtnl.neighbour(serverIfIndex, server.config().address());
            if (entry != null && entry.isUsable()) {
                processor.setServerMac(id, entry.macAsLong());
                known++;
            } else {
                if (entry != null && (entry.state() & NeighbourEntry.NUD_FAILED) != 0) {
                    processor.setServerMac(id, EthernetFrame.NO_MAC);
                } else if (mac != EthernetFrame.NO_MAC) {
                    known++;
                }
                if (lastResolveNs[id] == 0 || now - lastResolveNs[id] - RESOLVE_RETRY_NS >= 0) {
                    lastResolveNs[id] = now;
                    rtnl.resolveNeighbour(serverIfIndex, server.config().address());
                }
            }
        }
        knownServerMacs = known;
    }
}
