package io.tandem.health;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-threaded core of {@link HealthMonitor}: which check is due, which is late, what a
 * result means. Every method but the probes' callbacks runs on one thread; results reach it
 * through a queue, read by the next {@link #doWork()}. Tests drive it with a fake clock.
 *
 * <p>Scheduling: each server's checks start {@code interval} apart (fixed rate, counted from the
 * planned start); a check that is still running when the next is due delays that one until it
 * ends. Every check has a hard deadline ({@code checktimeout} for connect, ping and external,
 * {@code negotiatetimeout} for negotiate): when it passes the check fails and is
 * cancelled, whatever the probe does, so one hung server cannot hold up the others. Servers added
 * together have their first checks spread evenly over their interval.
 */
final class HealthEngine {
    private static final Logger LOG = LoggerFactory.getLogger(HealthEngine.class);
    /** Longest sleep when nothing is due: also bounds how late a lost wake-up can be noticed. */
    static final long IDLE_NANOS = 1_000_000_000L;

    private final HealthListener listener;
    private final LongSupplier clockNanos;
    private final Probe.Selector probes;
    private final Runnable wakeup;
    private final CheckObserver observer;
    private final Map<CheckedServer, ServerHealth> servers = new HashMap<>();
    private final PriorityQueue<Timer> due = new PriorityQueue<>();
    private final PriorityQueue<Timer> deadlines = new PriorityQueue<>();
    private final Queue<Completion> results = new ConcurrentLinkedQueue<>();

    HealthEngine(HealthListener listener, LongSupplier clockNanos, Probe.Selector probes, Runnable wakeup) {
        this(listener, clockNanos, probes, wakeup, CheckObserver.NONE);
    }

    HealthEngine(HealthListener listener, LongSupplier clockNanos, Probe.Selector probes, Runnable wakeup,
            CheckObserver observer) {
        this.observer = observer;
        this.listener = listener;
        this.clockNanos = clockNanos;
        this.probes = probes;
        this.wakeup = wakeup;
    }

    /** Replaces the set of servers: equal ones keep their state, new ones start down, others go. */
    void update(List<CheckedServer> next) {
        long nowNanos = clockNanos.getAsLong();
        Map<CheckedServer, ServerHealth> kept = new HashMap<>();
        Set<CheckedServer> addedSet = new LinkedHashSet<>();
        for (CheckedServer server : next) {
            ServerHealth existing = servers.remove(server);
            if (existing != null) {
                kept.put(server, existing);
            } else if (!kept.containsKey(server)) {
                addedSet.add(server);
            }
        }
        List<CheckedServer> added = new ArrayList<>(addedSet);
        for (ServerHealth gone : servers.values()) {
            gone.removed = true;
            gone.cancel.cancel();
        }
        servers.clear();
        servers.putAll(kept);
        for (int i = 0; i < added.size(); i++) {
            CheckedServer server = added.get(i);
            ServerHealth health = new ServerHealth(server, nowNanos);
            servers.put(server, health);
            long spreadNanos = server.check().interval().toNanos() / added.size() * i;
            schedule(health, nowNanos + spreadNanos);
        }
    }

    /**
     * Applies finished results, fails late checks, starts due ones.
     *
     * @return the clock reading at which it wants to run again
     */
    long doWork() {
        long nowNanos = clockNanos.getAsLong();
        Completion c;
        while ((c = results.poll()) != null) {
            finish(c.health, c.attempt, c.ok, c.reason, c.atNanos);
        }
        Timer t;
        while ((t = deadlines.peek()) != null && t.atNanos - nowNanos <= 0) {
            deadlines.poll();
            ServerHealth h = t.health;
            if (h.inFlight && h.attempt == t.attempt && !h.removed) {
                h.cancel.cancel();
                long timeoutMillis = (h.deadlineNanos - h.startNanos) / 1_000_000;
                finish(h, h.attempt, false, describe(h.kind, h.server) + ": no answer within " + timeoutMillis + " ms",
                        nowNanos);
            }
        }
        while ((t = due.peek()) != null && t.atNanos - nowNanos <= 0) {
            due.poll();
            ServerHealth h = t.health;
            if (!h.removed && !h.inFlight && h.dueNanos == t.atNanos) {
                start(h, nowNanos);
            }
        }
        dropStale();
        long next = nowNanos + IDLE_NANOS;
        if ((t = due.peek()) != null && t.atNanos - next < 0) {
            next = t.atNanos;
        }
        if ((t = deadlines.peek()) != null && t.atNanos - next < 0) {
            next = t.atNanos;
        }
        return next;
    }

    /** Removes timers at the heads of the queues that no longer mean anything (lazy deletion). */
    private void dropStale() {
        Timer t;
        while ((t = due.peek()) != null && (t.health.removed || t.health.inFlight || t.health.dueNanos != t.atNanos)) {
            due.poll();
        }
        while ((t = deadlines.peek()) != null
                && (t.health.removed || !t.health.inFlight || t.health.attempt != t.attempt)) {
            deadlines.poll();
        }
    }

    /** Whether a result is waiting for {@link #doWork()}. */
    boolean hasResults() {
        return !results.isEmpty();
    }

    List<ServerStatus> snapshot() {
        List<ServerStatus> out = new ArrayList<>(servers.size());
        for (ServerHealth h : servers.values()) {
            out.add(h.status());
        }
        return out;
    }

    /** Cancels every running check. */
    void close() {
        for (ServerHealth h : servers.values()) {
            h.removed = true;
            h.cancel.cancel();
        }
        servers.clear();
        due.clear();
        deadlines.clear();
    }

    private void schedule(ServerHealth h, long atNanos) {
        h.dueNanos = atNanos;
        due.add(new Timer(atNanos, h, 0));
    }

    private void start(ServerHealth h, long nowNanos) {
        CheckDefinition check = h.server.check();
        h.started++;
        CheckType kind = check.type();
        if (kind == CheckType.NEGOTIATE_EVERY_NTH) {
            kind = h.started % check.negotiateEvery() == 0 ? CheckType.NEGOTIATE : CheckType.CONNECT;
        }
        long timeoutNanos = (kind == CheckType.NEGOTIATE
                ? check.negotiateTimeout() : check.connectTimeout()).toNanos();
        h.kind = kind;
        h.inFlight = true;
        int attempt = ++h.attempt;
        h.startNanos = nowNanos;
        h.deadlineNanos = nowNanos + timeoutNanos;
        h.cancel = Probe.Cancellable.NONE;
        deadlines.add(new Timer(h.deadlineNanos, h, attempt));
        Probe.Outcome outcome = (ok, reason) -> {
            results.add(new Completion(h, attempt, ok, reason, clockNanos.getAsLong()));
            wakeup.run();
        };
        try {
            Probe.Cancellable cancel = probes.select(h.server, kind).start(h.server, timeoutNanos, outcome);
            if (h.inFlight && h.attempt == attempt) {
                h.cancel = cancel;
            }
        } catch (RuntimeException e) {
            outcome.complete(false, describe(kind, h.server) + ": could not start: " + e);
        }
    }

    private void finish(ServerHealth h, int attempt, boolean ok, String reason, long atNanos) {
        if (h.removed || !h.inFlight || h.attempt != attempt) {
            return;
        }
        h.inFlight = false;
        h.cancel = Probe.Cancellable.NONE;
        long nowNanos = clockNanos.getAsLong();
        observer.onCheck(h.server, ok, atNanos - h.startNanos, h.startNanos - h.dueNanos);
        if (h.record(ok, reason, atNanos - h.startNanos, nowNanos)) {
            LOG.info("real server {} of {} is {}: {}", h.server.realName(), h.server.virtualName(),
                    h.up ? "up" : "down", reason);
            try {
                listener.onHealthChanged(h.server, h.up, reason);
            } catch (RuntimeException e) {
                LOG.warn("health listener failed on {}: {}", h.server, e.toString(), e);
            }
        }
        long next = h.dueNanos + h.server.check().interval().toNanos();
        schedule(h, next - nowNanos < 0 ? nowNanos : next);
    }

    static String describe(CheckType kind, CheckedServer server) {
        String what = switch (kind) {
            case CONNECT -> server.udp() ? "udp connect" : "connect";
            case NEGOTIATE, NEGOTIATE_EVERY_NTH -> server.check().service().configName();
            case PING -> "ping";
            case EXTERNAL -> "external check";
            case ON, OFF -> "checktype=" + kind.name().toLowerCase(java.util.Locale.ROOT);
        };
        return what + " " + CheckedServer.hostPort(server.checkAddress().getAddress(), server.checkAddress().getPort());
    }

    private record Completion(ServerHealth health, int attempt, boolean ok, String reason, long atNanos) {
    }

    /** A due check (attempt 0) or the deadline of a running one. */
    private record Timer(long atNanos, ServerHealth health, int attempt) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.signum(atNanos - o.atNanos);
        }
    }
}
