package io.tandem.health;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Checks real servers on their intervals and tells a {@link HealthListener} when one goes up or
 * down. One thread, {@code tandem-health}, owns all state (the {@link HealthEngine}); probes run
 * on a Netty event loop or a bounded pool (see {@link ProbeSet}) and hand results back through a
 * queue. {@link #update}, {@link #snapshot} and {@link #close} may be called from any thread.
 *
 * <p>At most {@link Probe.Selector#maxInFlight()} checks run at once; a due check that does not
 * fit waits, and its deadline counts from when it starts. Servers whose last check failed may
 * hold only half the slots, so a mass of hung servers delays its own checks, not the others'. The
 * schedule has a granularity of {@link #TICK_NANOS}: checks due within it start together, which
 * keeps the thread's wake-ups to about 500 a second at 10,000 servers.
 *
 * <pre>
 *   try (ProbeSet probes = new ProbeSet();
 *        HealthMonitor monitor = new HealthMonitor(listener, System::nanoTime, probes)) {
 *       monitor.start();
 *       monitor.update(CheckPlan.from(directorConfig));
 *   }
 * </pre>
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Granularity of the schedule: checks start up to this early, late checks fail up to this
     * late, and a result waits at most this long when the thread is about to wake anyway. It
     * bounds the thread's wake-ups to about one per tick however many servers there are.
     */
    static final long TICK_NANOS = 2_000_000;
    private static final long AWAKE = Long.MIN_VALUE;

    private final HealthEngine engine;
    private final LongSupplier clockNanos;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** When the parked thread means to wake up by itself, or {@link #AWAKE}. */
    private volatile long wakeAtNanos = AWAKE;

    /**
     * @param listener   told of every up/down change, on the monitor's thread
     * @param clockNanos monotonic clock ({@code System::nanoTime})
     * @param probes     where checks run; the caller closes it after the monitor
     */
    public HealthMonitor(HealthListener listener, LongSupplier clockNanos, Probe.Selector probes) {
        this(listener, clockNanos, probes, CheckObserver.NONE);
    }

    /** As above, with {@code observer} told of every check result (metrics, benchmarks). */
    public HealthMonitor(HealthListener listener, LongSupplier clockNanos, Probe.Selector probes,
            CheckObserver observer) {
        this.clockNanos = clockNanos;
        this.thread = new Thread(this::run, "tandem-health");
        this.thread.setDaemon(true);
        this.engine = new HealthEngine(listener, clockNanos, probes, this::resultQueued, observer, TICK_NANOS);
    }

    /** Starts the monitor's thread. */
    public void start() {
        thread.start();
    }

    /**
     * Replaces the checked servers (start-up and reload): servers equal to current ones keep their
     * state and schedule, new ones start down and are checked at once (spread over their interval
     * when many come together), missing ones stop being checked (no listener call).
     */
    public void update(List<CheckedServer> servers) {
        List<CheckedServer> copy = List.copyOf(servers);
        command(() -> engine.update(copy));
    }

    /** The state of every server, read on the monitor's thread (waits for it, at most 5 s). */
    public List<ServerStatus> snapshot() {
        CompletableFuture<List<ServerStatus>> result = new CompletableFuture<>();
        command(() -> result.complete(engine.snapshot()));
        try {
            return result.get(SNAPSHOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the health snapshot", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("health monitor did not answer within " + SNAPSHOT_TIMEOUT, e);
        }
    }

    /** Stops the thread and cancels running checks. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(SNAPSHOT_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!thread.isAlive()) {
            engine.close();
        }
    }

    private void command(Runnable r) {
        commands.add(r);
        LockSupport.unpark(thread);
    }

    /**
     * A probe queued a result: wake the thread unless it is awake or wakes within a tick anyway
     * (under load it always does, so results cost no wake-up of their own).
     */
    private void resultQueued() {
        long wakeAt = wakeAtNanos;
        if (wakeAt != AWAKE && wakeAt - clockNanos.getAsLong() > TICK_NANOS) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (running) {
            Runnable r;
            while ((r = commands.poll()) != null) {
                r.run();
            }
            long nextNanos = engine.doWork();
            long waitNanos = Math.min(nextNanos - clockNanos.getAsLong(), HealthEngine.IDLE_NANOS);
            if (waitNanos > 0) {
                // publish the wake-up time before looking at the queues: a result queued after the
                // look sees it and unparks us; one queued before it is seen by the look
                wakeAtNanos = clockNanos.getAsLong() + waitNanos;
                if (commands.isEmpty() && (!engine.hasResults() || waitNanos <= TICK_NANOS) && running) {
                    LockSupport.parkNanos(this, waitNanos);
                }
                wakeAtNanos = AWAKE;
            }
        }
        engine.close();
    }
}
