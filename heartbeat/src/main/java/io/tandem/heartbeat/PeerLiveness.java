package io.tandem.heartbeat;

/**
 * Whether the peer is alive, from when its heartbeats arrived. Pure logic: it never reads a clock;
 * every method takes the caller's monotonic {@code nowNanos}, and deadlines are compared as
 * {@code deadlineNanos - nowNanos < 0}, so a deadline is passed only strictly after it.
 *
 * <pre>
 *  start(now) ──► NEVER_HEARD ──(initdead passed)──► DEAD
 *                     │                               ▲
 *               onHeartbeat(now)                      │ deadtime passed since last heard
 *                     ▼                               │
 *                   ALIVE ──(warntime passed)──► LATE, reported once, then ALIVE again
 *                     │                               until deadtime or the next heartbeat
 *                onLeaving(now) ──► DEAD at once, until the next onHeartbeat
 * </pre>
 *
 * <p>With a {@link StallDetector}, every {@link #check} also ticks it: when this process itself
 * was stalled (the gap since the previous check is too long), a verdict of DEAD or LATE is
 * {@link Verdict#POSTPONED} until the detector's grace has passed, so the heartbeats that queued
 * up in the socket meanwhile are read first; a peer that is really gone is DEAD right after the
 * grace. A peer that said it is leaving is DEAD regardless.
 *
 * The caller calls {@link #onLeaving} for a heartbeat whose state is {@link NodeState#LEAVING} and
 * {@link #onHeartbeat} for every other accepted heartbeat. Not thread-safe: owned by one thread.
 */
public final class PeerLiveness {
    /** The answer of {@link #check}. */
    public enum Verdict {
        /** Started, nothing heard yet, initdead not yet passed: neither alive nor dead. */
        NEVER_HEARD,
        /** Heard within warntime, or LATE was already reported for this silence. */
        ALIVE,
        /**
         * Warntime has passed since the last heartbeat: log a warning. Returned by exactly one
         * check per silence; the peer still counts as alive.
         */
        LATE,
        /** Deadtime passed since the last heartbeat, initdead passed without any, or the peer left. */
        DEAD,
        /**
         * The peer would be LATE or DEAD, but this process was itself stalled just now
         * ({@link StallDetector}): no verdict until the socket is drained. The peer keeps its status.
         */
        POSTPONED
    }

    private final long warntimeNanos;
    private final long deadtimeNanos;
    private final long initdeadNanos;
    private final StallDetector stalls;

    private boolean started;
    private long startNanos;
    private boolean heard;
    private long lastHeardNanos;
    private boolean leaving;
    private boolean lateReported;

    /** A detector with these times, each {@code > 0}; call {@link #start} before {@link #check}. */
    public PeerLiveness(long warntimeNanos, long deadtimeNanos, long initdeadNanos) {
        this(warntimeNanos, deadtimeNanos, initdeadNanos, null);
    }

    /**
     * A detector with these times, each {@code > 0}, that postpones verdicts after a stall of this
     * process seen by {@code stalls} (which {@link #check} ticks; null for none).
     */
    public PeerLiveness(long warntimeNanos, long deadtimeNanos, long initdeadNanos, StallDetector stalls) {
        this.warntimeNanos = checkPositive("warntimeNanos", warntimeNanos);
        this.deadtimeNanos = checkPositive("deadtimeNanos", deadtimeNanos);
        this.initdeadNanos = checkPositive("initdeadNanos", initdeadNanos);
        this.stalls = stalls;
    }

    private static long checkPositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + "=" + value + " must be > 0");
        }
        return value;
    }

    /** Starts waiting for the peer: it is DEAD if nothing is heard for initdead from {@code nowNanos}. */
    public void start(long nowNanos) {
        started = true;
        startNanos = nowNanos;
    }

    /** An accepted heartbeat (not LEAVING) arrived at {@code nowNanos}. */
    public void onHeartbeat(long nowNanos) {
        heard = true;
        lastHeardNanos = nowNanos;
        leaving = false;
        lateReported = false;
    }

    /** The peer said it is leaving: DEAD at once, until its next {@link #onHeartbeat}. */
    public void onLeaving(long nowNanos) {
        heard = true;
        lastHeardNanos = nowNanos;
        leaving = true;
    }

    /**
     * The peer's state at {@code nowNanos}.
     *
     * @throws IllegalStateException when neither {@link #start} nor a heartbeat came first
     */
    public Verdict check(long nowNanos) {
        if (!heard && !started) {
            throw new IllegalStateException("PeerLiveness.check before start(nowNanos)");
        }
        boolean judging = stalls == null || stalls.onTick(nowNanos);
        if (leaving) {
            return Verdict.DEAD;
        }
        if (!heard) {
            if (startNanos + initdeadNanos - nowNanos < 0) {
                return judging ? Verdict.DEAD : Verdict.POSTPONED;
            }
            return Verdict.NEVER_HEARD;
        }
        if (lastHeardNanos + deadtimeNanos - nowNanos < 0) {
            return judging ? Verdict.DEAD : Verdict.POSTPONED;
        }
        if (!lateReported && lastHeardNanos + warntimeNanos - nowNanos < 0) {
            if (!judging) {
                return Verdict.POSTPONED;
            }
            lateReported = true;
            return Verdict.LATE;
        }
        return Verdict.ALIVE;
    }

    /** The stall detector {@link #check} ticks, or null. */
    public StallDetector stallDetector() {
        return stalls;
    }

    /** Whether any heartbeat (LEAVING included) has arrived since construction. */
    public boolean everHeard() {
        return heard;
    }

    /** When the last heartbeat arrived; meaningless until {@link #everHeard()}. */
    public long lastHeardNanos() {
        return lastHeardNanos;
    }
}
