package io.tandem.health;

import java.util.ArrayDeque;
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
 *
 * <p>Checks in flight are capped at the selector's {@link Probe.Selector#maxInFlight()} (each may
 * hold a socket): a due check that does not fit waits in a queue, and its deadline counts from
 * when it really starts. Servers whose last check failed (suspects: often hung, so each holds
 * its slot until the deadline) may hold at most half the slots and wait in a queue of their own,
 * behind the others: a mass of hung servers slows its own checks down, never the healthy ones.
 * How long a check waited shows in {@link CheckObserver}'s lateness.
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
    private final int maxInFlight;
    private final long tickNanos;
    private final int maxSuspectsInFlight;
    private final ArrayDeque<ServerHealth> waiting = new ArrayDeque<>();
    private final ArrayDeque<ServerHealth> waitingSuspects = new ArrayDeque<>();
    private int inFlight;
    private int suspectsInFlight;

    HealthEngine(HealthListener listener, LongSupplier clockNanos, Probe.Selector probes, Runnable wakeup) {
        this(listener, clockNanos, probes, wakeup, CheckObserver.NONE, 0);
    }

    /**
     * @param wakeup    called (on a probe's thread) after each result is queued
     * @param tickNanos how early a check may start, so that checks due close together start in one
     *                  pass; 0 starts each exactly when due
     */
    HealthEngine(HealthListener listener, LongSupplier clockNanos, Probe.Selector probes, Runnable wakeup,
            CheckObserver observer, long tickNanos) {
        this.tickNanos = tickNanos;
        this.observer = observer;
        this.listener = listener;
        this.clockNanos = clockNanos;
        this.probes = probes;
        this.wakeup = wakeup;
        this.maxInFlight = probes.maxInFlight();
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight=" + maxInFlight + " must be >= 1");
        }
        this.maxSuspectsInFlight = Math.max(1, maxInFlight / 2);
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
            release(gone);
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
     * Applies finished results, fails late checks, starts due ones (those due within the next
     * tick too: with thousands of servers, checks due a few hundred microseconds apart start in one
     * pass, one hand-over to the event loop, instead of one wake-up each).
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
        long horizonNanos = nowNanos + tickNanos;
        while ((t = due.peek()) != null && t.atNanos - horizonNanos <= 0) {
            due.poll();
            ServerHealth h = t.health;
            if (!h.removed && !h.inFlight && !h.waiting && h.dueNanos == t.atNanos) {
                admit(h, nowNanos);
            }
        }
        startWaiting(nowNanos);
        dropStale();
        long next = nowNanos + IDLE_NANOS;
        if ((t = due.peek()) != null && t.atNanos - next < 0) {
            next = t.atNanos;
        }
        if ((t = deadlines.peek()) != null && t.atNanos - next < 0) {
            next = t.atNanos;
        }
        // a deadline is noticed up to a tick late rather than waking the thread for each one
        return next - horizonNanos < 0 ? horizonNanos : next;
    }

    /** Removes timers at the heads of the queues that no longer mean anything (lazy deletion). */
    private void dropStale() {
        Timer t;
        while ((t = due.peek()) != null && (t.health.removed || t.health.inFlight || t.health.waiting
                || t.health.dueNanos != t.atNanos)) {
            due.poll();
        }
        while ((t = deadlines.peek()) != null
                && (t.health.removed || !t.health.inFlight || t.health.attempt != t.attempt)) {
            deadlines.poll();
        }
    }

    /** Starts {@code h} now if a slot is free and nobody of its kind is queued; else queues it. */
    private void admit(ServerHealth h, long nowNanos) {
        boolean suspect = Boolean.FALSE.equals(h.lastOk);
        boolean fits = suspect
                ? waitingSuspects.isEmpty() && inFlight < maxInFlight && suspectsInFlight < maxSuspectsInFlight
                : waiting.isEmpty() && inFlight < maxInFlight;
        if (fits) {
            start(h, suspect, nowNanos);
        } else {
            h.waiting = true;
            (suspect ? waitingSuspects : waiting).add(h);
        }
    }

    /** Starts queued checks while slots are free: the others first, then suspects. */
    private void startWaiting(long nowNanos) {
        ServerHealth h;
        while (inFlight < maxInFlight && (h = waiting.poll()) != null) {
            h.waiting = false;
            if (!h.removed) {
                start(h, false, nowNanos);
            }
        }
        while (inFlight < maxInFlight && suspectsInFlight < maxSuspectsInFlight && (h = waitingSuspects.poll()) != null) {
            h.waiting = false;
            if (!h.removed) {
                start(h, true, nowNanos);
            }
        }
    }

    /** Frees the slot of {@code h}'s running check, if it has one. */
    private void release(ServerHealth h) {
        if (!h.inFlight) {
            return;
        }
        h.inFlight = false;
        inFlight--;
        if (h.suspectSlot) {
            suspectsInFlight--;
        }
    }

    /** Checks running now (for tests). */
    int inFlight() {
        return inFlight;
    }

    /** Checks due but waiting for a slot (for tests). */
    int waiting() {
        return waiting.size() + waitingSuspects.size();
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
            release(h);
        }
        servers.clear();
        due.clear();
        deadlines.clear();
        waiting.clear();
        waitingSuspects.clear();
    }

    private void schedule(ServerHealth h, long atNanos) {
        h.dueNanos = atNanos;
        due.add(new Timer(atNanos, h, 0));
    }

    private void start(ServerHealth h, boolean suspect, long nowNanos) {
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
        h.suspectSlot = suspect;
        inFlight++;
        if (suspect) {
            suspectsInFlight++;
        }
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
        release(h);
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
