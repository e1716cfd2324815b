package io.tandem.heartbeat;

import java.util.Locale;

/**
 * Why a received datagram was dropped. The codec decides the first group; the receiver decides
 * {@link #FROM_SELF}, {@link #UNKNOWN_NODE} and {@link #REPLAYED}. Every drop is counted under
 * {@link #counterName()}, never logged per packet.
 */
public enum DropReason {
    /** Shorter than the smallest valid datagram for its key. */
    TRUNCATED,
    /** Longer than {@link HeartbeatCodec#MAX_DATAGRAM_BYTES}. */
    OVERSIZED,
    /** Does not start with 'T' 'B'. */
    BAD_MAGIC,
    /** A protocol version this node does not speak. */
    BAD_VERSION,
    /** A message type this node does not know. */
    UNKNOWN_TYPE,
    /** Signed with a key id that is not in authkeys. */
    UNKNOWN_KEY,
    /** The MAC does not match: forged, corrupted, or signed with another secret. */
    BAD_MAC,
    /** Authentic but not well formed (bad lengths, unknown state or flags, invalid UTF-8, ...). */
    MALFORMED,
    /** Authentic but from another cluster. */
    FOREIGN_CLUSTER,
    /** Our own heartbeat came back (a loop in the network, or a misconfigured ucast line). */
    FROM_SELF,
    /** From a node that is not our peer. */
    UNKNOWN_NODE,
    /** Not newer than the last accepted (generation, sequence) of its sender. */
    REPLAYED;

    private final String counterName = "dropped." + name().toLowerCase(Locale.ROOT);

    /** The counter's key in status output, e.g. {@code dropped.bad_mac}. */
    public String counterName() {
        return counterName;
    }
}
