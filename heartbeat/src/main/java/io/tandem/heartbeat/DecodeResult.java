package io.tandem.heartbeat;

import java.util.Objects;

/**
 * What {@link HeartbeatCodec#decode} made of a datagram: either an accepted message (with the id
 * of the key that signed it) or the reason it was dropped. Drop results are shared constants, so
 * dropping allocates nothing.
 */
public final class DecodeResult {
    private static final DecodeResult[] DROPPED = new DecodeResult[DropReason.values().length];

    static {
        for (DropReason r : DropReason.values()) {
            DROPPED[r.ordinal()] = new DecodeResult(null, r, -1);
        }
    }

    private final HeartbeatMessage message;
    private final DropReason dropReason;
    private final int keyId;

    private DecodeResult(HeartbeatMessage message, DropReason dropReason, int keyId) {
        this.message = message;
        this.dropReason = dropReason;
        this.keyId = keyId;
    }

    /** An accepted message signed with key {@code keyId}. */
    public static DecodeResult accepted(HeartbeatMessage message, int keyId) {
        return new DecodeResult(Objects.requireNonNull(message, "message"), null, keyId);
    }

    /** The shared result for a datagram dropped for {@code reason}. */
    public static DecodeResult dropped(DropReason reason) {
        return DROPPED[reason.ordinal()];
    }

    /** Whether the datagram was accepted; then {@link #message()} is not null. */
    public boolean isAccepted() {
        return message != null;
    }

    /** The accepted message, or null when dropped. */
    public HeartbeatMessage message() {
        return message;
    }

    /** Why the datagram was dropped, or null when accepted. */
    public DropReason dropReason() {
        return dropReason;
    }

    /** The id of the key that signed the accepted message (lets the operator follow a key rotation), or -1. */
    public int keyId() {
        return keyId;
    }

    @Override
    public String toString() {
        return message != null ? "accepted(key " + keyId + ", " + message + ")" : "dropped(" + dropReason + ")";
    }
}
