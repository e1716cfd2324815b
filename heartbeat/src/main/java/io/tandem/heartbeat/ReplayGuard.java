package io.tandem.heartbeat;

import java.util.HashMap;
import java.util.Map;

/**
 * Drops replayed and reordered heartbeats: per sender, the highest (generation, sequence)
 * accepted so far, and a heartbeat is accepted only when it is strictly greater, compared
 * generation first. A restarted sender has a higher generation (its boot counter), so its
 * sequence may start again from 0.
 *
 * <p>The daemon persists each peer's last generation ({@link GenerationStore#writePeerGeneration})
 * and {@link #seed seeds} it after a restart, so heartbeats of the peer's earlier boots captured
 * on the wire stay rejected. The sequence within the current generation is not persisted: after
 * our own restart, one replayed heartbeat of the peer's current generation can be accepted before
 * the real ones catch up, which at worst delays a verdict by one heartbeat.
 *
 * <p>Not thread-safe: owned by the thread that receives heartbeats.
 */
public final class ReplayGuard {
    /**
     * How far behind the newest accepted heartbeat a copy may be and still count as a copy that
     * came by another medium (or late) rather than a replay: {@value} sequences, the width of a
     * medium's {@link SequenceWindow}.
     */
    public static final int COPY_WINDOW = SequenceWindow.WIDTH;

    private final Map<String, Position> positions = new HashMap<>();

    /**
     * Whether a heartbeat of {@code node} with this generation and sequence is new; if so it
     * becomes the node's position.
     */
    public boolean accept(String node, long generation, long sequence) {
        Position p = positions.get(node);
        if (p == null) {
            positions.put(node, new Position(generation, sequence));
            return true;
        }
        if (generation > p.generation || (generation == p.generation && sequence > p.sequence)) {
            p.generation = generation;
            p.sequence = sequence;
            return true;
        }
        return false;
    }

    /** Whether {@link #accept} would accept this heartbeat; changes nothing. */
    public boolean isNewer(String node, long generation, long sequence) {
        Position p = positions.get(node);
        return p == null || generation > p.generation || (generation == p.generation && sequence > p.sequence);
    }

    /**
     * Whether a heartbeat that is not newer is still recent enough to be a copy of one already
     * accepted (the same generation, at most {@link #COPY_WINDOW} - 1 sequences behind the newest),
     * as arrives when the same heartbeat travels over several media. Older ones are replays.
     */
    public boolean isRecentCopy(String node, long generation, long sequence) {
        Position p = positions.get(node);
        return p != null && generation == p.generation && sequence <= p.sequence
                && p.sequence - sequence < COPY_WINDOW;
    }

    /**
     * Remembers that {@code node} was last seen in {@code generation} (from disk, after a
     * restart): earlier generations are rejected, and this one is accepted from any sequence
     * {@code >= 0}. Ignored when the guard already knows a later position.
     */
    public void seed(String node, long generation) {
        if (generation < 0) {
            throw new IllegalArgumentException("generation=" + generation + " of node=" + node + " must be >= 0");
        }
        Position p = positions.get(node);
        if (p == null) {
            positions.put(node, new Position(generation, -1));
        } else if (generation > p.generation) {
            p.generation = generation;
            p.sequence = -1;
        }
    }

    /** The generation of the last accepted (or seeded) heartbeat of {@code node}, 0 if none. */
    public long lastGeneration(String node) {
        Position p = positions.get(node);
        return p == null ? 0 : p.generation;
    }

    /** The sequence of the last accepted heartbeat of {@code node}, -1 if none in its generation. */
    public long lastSequence(String node) {
        Position p = positions.get(node);
        return p == null ? -1 : p.sequence;
    }

    private static final class Position {
        long generation;
        long sequence;

        Position(long generation, long sequence) {
            this.generation = generation;
            this.sequence = sequence;
        }
    }
}
