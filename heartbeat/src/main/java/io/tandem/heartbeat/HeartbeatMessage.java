package io.tandem.heartbeat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One heartbeat as a node sends it to its peer (see {@link HeartbeatCodec} for the wire layout).
 * Every instance fits the wire format: names are 1..64 bytes of UTF-8, at most 32 groups, and the
 * whole datagram fits {@link HeartbeatCodec#MAX_DATAGRAM_BYTES} with the longest MAC any algorithm
 * produces, so any message can be signed with any key.
 *
 * @param cluster       the cluster's name; a codec drops heartbeats of other clusters
 * @param node          the sender's node name
 * @param generation    the sender's boot counter ({@link GenerationStore#next}), {@code >= 0}
 * @param sequence      increases with every heartbeat within one generation, {@code >= 0}
 * @param sendTimeNanos the sender's monotonic clock when it sent this heartbeat
 * @param echoTimeNanos the {@code sendTimeNanos} of the last heartbeat the sender received from
 *                      its peer (0 if none), so the peer can compute the round-trip time
 * @param state         what the sender is doing
 * @param priority      the sender's priority, 0..65535
 * @param configDigest  the first 16 bytes of the sender's config digest; a mismatch is reported
 * @param groups        what the sender says about each resource group, group names unique
 * @param maintenance   the sender is in maintenance mode
 * @param maintenanceEpoch how many times maintenance was switched cluster-wide, as the sender knows it
 */
public record HeartbeatMessage(
        String cluster,
        String node,
        long generation,
        long sequence,
        long sendTimeNanos,
        long echoTimeNanos,
        NodeState state,
        int priority,
        byte[] configDigest,
        List<GroupClaim> groups,
        boolean maintenance,
        long maintenanceEpoch) {

    /** Length of {@link #configDigest()}. */
    public static final int CONFIG_DIGEST_BYTES = 16;
    /** Longest cluster, node or group name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 64;
    /** Most groups one heartbeat carries. */
    public static final int MAX_GROUPS = 32;
    /** Highest priority (it travels as an unsigned 16-bit number). */
    public static final int MAX_PRIORITY = 0xFFFF;

    /** Checks every rule above and copies the digest and the group list. */
    /** A heartbeat of a node that is not in maintenance and never was. */
    public HeartbeatMessage(String cluster, String node, long generation, long sequence, long sendTimeNanos,
            long echoTimeNanos, NodeState state, int priority, byte[] configDigest, List<GroupClaim> groups) {
        this(cluster, node, generation, sequence, sendTimeNanos, echoTimeNanos, state, priority, configDigest, groups,
                false, 0);
    }

    public HeartbeatMessage {
        if (maintenanceEpoch < 0) {
            throw new IllegalArgumentException("maintenanceEpoch=" + maintenanceEpoch + " must be >= 0");
        }
        checkName("cluster", cluster);
        checkName("node", node);
        if (generation < 0) {
            throw new IllegalArgumentException("generation=" + generation + " must be >= 0");
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence=" + sequence + " must be >= 0");
        }
        Objects.requireNonNull(state, "state");
        if (priority < 0 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority=" + priority + " must be in 0.." + MAX_PRIORITY);
        }
        Objects.requireNonNull(configDigest, "configDigest");
        if (configDigest.length != CONFIG_DIGEST_BYTES) {
            throw new IllegalArgumentException("configDigest is " + configDigest.length
                    + " bytes, must be exactly " + CONFIG_DIGEST_BYTES
                    + " (use the first 16 bytes of the config's SHA-256)");
        }
        configDigest = configDigest.clone();
        groups = List.copyOf(groups);
        if (groups.size() > MAX_GROUPS) {
            throw new IllegalArgumentException("groups=" + groups.size() + " must be <= " + MAX_GROUPS);
        }
        if (groups.size() > 1) {
            Set<String> seen = new HashSet<>();
            for (GroupClaim g : groups) {
                if (!seen.add(g.group())) {
                    throw new IllegalArgumentException("group '" + g.group() + "' is listed twice");
                }
            }
        }
        int length = HeartbeatCodec.unsignedLength(cluster, node, groups);
        int max = HeartbeatCodec.MAX_DATAGRAM_BYTES - HeartbeatCodec.MAX_MAC_BYTES;
        if (length > max) {
            throw new IllegalArgumentException("heartbeat of node=" + node + " is " + length
                    + " bytes before its MAC, must be <= " + max + " (shorten group names or use fewer groups)");
        }
    }

    static void checkName(String what, String name) {
        Objects.requireNonNull(name, what);
        int n = Utf8.encodedLength(name);
        if (n < 0) {
            throw new IllegalArgumentException(what + "='" + name + "' is not valid Unicode (unpaired surrogate)");
        }
        if (n < 1 || n > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(what + "='" + name + "' is " + n
                    + " bytes of UTF-8, must be 1.." + MAX_NAME_BYTES);
        }
    }

    /** A copy of the 16-byte config digest. */
    @Override
    public byte[] configDigest() {
        return configDigest.clone();
    }

    /** Whether {@code digest} equals this message's config digest, without copying it. */
    public boolean sameConfigDigest(byte[] digest) {
        return Arrays.equals(configDigest, digest);
    }

    /** The digest without a defensive copy, for the codec. */
    byte[] configDigestNoCopy() {
        return configDigest;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeartbeatMessage m
                && cluster.equals(m.cluster)
                && node.equals(m.node)
                && generation == m.generation
                && sequence == m.sequence
                && sendTimeNanos == m.sendTimeNanos
                && echoTimeNanos == m.echoTimeNanos
                && state == m.state
                && priority == m.priority
                && Arrays.equals(configDigest, m.configDigest)
                && groups.equals(m.groups)
                && maintenance == m.maintenance
                && maintenanceEpoch == m.maintenanceEpoch;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(cluster, node, generation, sequence, sendTimeNanos, echoTimeNanos, state, priority, groups,
                maintenance, maintenanceEpoch);
        return 31 * h + Arrays.hashCode(configDigest);
    }

    @Override
    public String toString() {
        return "HeartbeatMessage[cluster=" + cluster + ", node=" + node + ", generation=" + generation
                + ", sequence=" + sequence + ", sendTimeNanos=" + sendTimeNanos + ", echoTimeNanos=" + echoTimeNanos
                + ", state=" + state + ", priority=" + priority
                + ", configDigest=" + HexFormat.of().formatHex(configDigest) + ", groups=" + groups
                + ", maintenance=" + maintenance + ", maintenanceEpoch=" + maintenanceEpoch + "]";
    }
}
