package io.tandem.sync;

import io.tandem.director.ForwardingEngine;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that owns a {@link ForwardingEngine} while no forwarder does (on the standby director,
 * whose forwarder is stopped): every tick it expires connections, runs the queued work (sync
 * other than sync: health verdicts, weights), and calls the tick listener (the sync's
 * {@link ConnectionSync#onTick}, which applies what the peer sent and sends what changed). Hand the
 * engine from this loop to the forwarder by {@link #close()} before {@code Forwarder.start()},
 * and back by {@link #start()} after {@code Forwarder.stop()}: the thread start and join order
 * the two owners.
 *
 * <pre>
 *  loop: onTimer(now) ─► queued tasks ─► tick listener ─► park until the next tick or new work
 * </pre>
 */
public final class EngineLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final ForwardingEngine engine;
    private final LongSupplier clockNs;
    private final long tickNs;
    private final String name;
    private final ConcurrentLinkedQueue<Consumer<ForwardingEngine>> work = new ConcurrentLinkedQueue<>();
    private volatile LongConsumer tickListener = now -> { };
    private volatile boolean running;
    private Thread thread;

    /** A loop over {@code engine} ticking every {@code tickNs}; not started. */
    public EngineLoop(ForwardingEngine engine, LongSupplier clockNs, long tickNs, String name) {
        if (tickNs < 100_000) {
            throw new IllegalArgumentException("engine loop tickNs=" + tickNs + " must be >= 100 us");
        }
        this.engine = engine;
        this.clockNs = clockNs;
        this.tickNs = tickNs;
        this.name = name;
    }

    /** What to call every tick, on the loop's thread, with the tick's time. */
    public void setTickListener(LongConsumer listener) {
        this.tickListener = listener;
    }

    /** Starts the thread; the engine is the loop's until {@link #close()}. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("engine loop " + name + " is already started");
        }
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code task} on the loop's thread at its next tick; callable from any thread. */
    public void execute(Consumer<ForwardingEngine> task) {
        work.add(task);
    }

    /** Stops the thread after its current tick; the queued work stays for the next owner. */
    @Override
    public synchronized void close() {
        if (thread == null) {
            return;
        }
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(STOP_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("engine loop " + name + " did not stop within " + STOP_TIMEOUT_MS + " ms");
        }
        thread = null;
    }

    /** Hands the work still queued (after {@link #close()}) to the next owner, e.g. {@code Forwarder::execute}. */
    public void drainTo(Consumer<Consumer<ForwardingEngine>> next) {
        Consumer<ForwardingEngine> task;
        while ((task = work.poll()) != null) {
            next.accept(task);
        }
    }

    private void run() {
        long nextTickNs = clockNs.getAsLong();
        while (running) {
            long now = clockNs.getAsLong();
            if (now - nextTickNs >= 0) {
                engine.onTimer(now);
                Consumer<ForwardingEngine> task;
                while ((task = work.poll()) != null) {
                    try {
                        task.accept(engine);
                    } catch (RuntimeException e) {
                        LOG.warn("engine loop {}: work item failed: {}", name, e.toString());
                    }
                }
                try {
                    tickListener.accept(now);
                } catch (RuntimeException e) {
                    LOG.warn("engine loop {}: tick listener failed: {}", name, e.toString());
                }
                nextTickNs = now + tickNs;
            }
            LockSupport.parkNanos(this, Math.max(TimeUnit.MICROSECONDS.toNanos(50), nextTickNs - clockNs.getAsLong()));
        }
    }
}
