package io.tandem.heartbeat;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when this process itself was asleep (a long GC pause, CPU starvation, SIGSTOP, a
 * suspended VM) so that it does not blame the peer for heartbeats it did not read.
 *
 * <p>The owner of the liveness checks ticks it every few milliseconds with its monotonic clock
 * ({@link PeerLiveness#check} does so). A gap between two ticks longer than
 * {@code max(2 x tick, keepalive)} means the thread did not run: heartbeats that arrived meanwhile
 * sit unread in the socket, and judging the peer now would declare it dead on a silence that is
 * ours. So the detector answers "do not judge" ({@link #onTick} returns false) from that tick until
 * one keepalive and a margin ({@code max(2 x tick, keepalive / 4)}) after it: by then the event
 * loop has read what queued up, and a live peer has sent at least one more heartbeat.
 * <pre>
 *   ticks:  |  |  |  |                  (stalled 2 s)                 |  |  |  |  |  |  |
 *                    last tick                                      resume: gap &gt; threshold
 *                                                                   |&lt;- grace: no verdict -&gt;| judge
 * </pre>
 * Each stall is logged once at WARN and counted. Pure logic: it never reads a clock; not
 * thread-safe (owned by the thread that judges the peer).
 */
public final class StallDetector {
    private static final Logger LOG = LoggerFactory.getLogger(StallDetector.class);

    private final String self;
    private final long thresholdNanos;
    private final long graceNanos;

    private boolean ticked;
    private long lastTickNanos;
    private boolean inGrace;
    private long graceEndNanos;
    private long stalls;
    private long lastStallNanos;
    private long longestStallNanos;

    /**
     * A detector for a caller that ticks every {@code tickNanos} and a peer that sends every
     * {@code keepaliveNanos}.
     *
     * @param self the node's name, prefixed to the log line
     */
    public StallDetector(String self, long tickNanos, long keepaliveNanos) {
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tickNanos=" + tickNanos + " must be > 0");
        }
        if (keepaliveNanos <= 0) {
            throw new IllegalArgumentException("keepaliveNanos=" + keepaliveNanos + " must be > 0");
        }
        this.self = self;
        this.thresholdNanos = Math.max(2 * tickNanos, keepaliveNanos);
        this.graceNanos = keepaliveNanos + Math.max(2 * tickNanos, keepaliveNanos / 4);
    }

    /**
     * One tick at {@code nowNanos}.
     *
     * @return whether the peer may be judged now: false on the tick that ends a stall and until the
     *         grace after it has passed
     */
    public boolean onTick(long nowNanos) {
        if (ticked) {
            long gapNanos = nowNanos - lastTickNanos;
            if (gapNanos - thresholdNanos > 0) {
                onStall(gapNanos, nowNanos);
            }
        }
        ticked = true;
        lastTickNanos = nowNanos;
        return judging(nowNanos);
    }

    private void onStall(long gapNanos, long nowNanos) {
        stalls++;
        lastStallNanos = gapNanos;
        longestStallNanos = Math.max(longestStallNanos, gapNanos);
        inGrace = true;
        graceEndNanos = nowNanos + graceNanos;
        LOG.warn("{}: tandemd itself was stalled for {}ms (GC, CPU starvation or SIGSTOP?); not judging the peer"
                + " until the socket is drained", self, TimeUnit.NANOSECONDS.toMillis(gapNanos));
    }

    /** Whether the peer may be judged at {@code nowNanos} (no stall, or its grace has passed); does not tick. */
    public boolean judging(long nowNanos) {
        if (inGrace && graceEndNanos - nowNanos > 0) {
            return false;
        }
        inGrace = false;
        return true;
    }

    /** How many stalls were seen. */
    public long stalls() {
        return stalls;
    }

    /** How long the last stall lasted, 0 if none. */
    public long lastStallNanos() {
        return lastStallNanos;
    }

    /** How long the longest stall lasted, 0 if none. */
    public long longestStallNanos() {
        return longestStallNanos;
    }

    /** The gap between ticks above which the process counts as stalled. */
    public long thresholdNanos() {
        return thresholdNanos;
    }

    /** How long after the end of a stall no verdict is given. */
    public long graceNanos() {
        return graceNanos;
    }
}
