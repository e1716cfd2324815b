package io.tandem.heartbeat;

import io.netty.buffer.ByteBuf;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import io.tandem.config.Hmac;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Encodes and decodes heartbeat datagrams, signed with HMAC.
 *
 * <h2>Wire format, version 2</h2>
 * Big-endian; each name is a length byte then 1..64 bytes of UTF-8.
 * <pre>
 *  offset  size   field
 *  ------  -----  --------------------------------------------------------------
 *     0      2    magic 'T' 'B'                                 MAGIC_OFFSET
 *     2      1    version = 2                                   VERSION_OFFSET
 *     3      1    type = 1 (heartbeat)                          TYPE_OFFSET
 *     4      1    key id (the authkeys id, 0..255)              KEY_ID_OFFSET
 *     5      1    node state (NodeState.code())                 STATE_OFFSET
 *     6      2    priority (unsigned)                           PRIORITY_OFFSET
 *     8      8    generation (&gt;= 0)                             GENERATION_OFFSET
 *    16      8    sequence (&gt;= 0)                               SEQUENCE_OFFSET
 *    24      8    send time ns          \  the node's, same on   SEND_TIME_OFFSET
 *    32      8    echo time ns          /  every medium          ECHO_TIME_OFFSET
 *    40      8    link send time ns     \                        LINK_SEND_TIME_OFFSET
 *    48      8    link echo time ns      | this medium's only    LINK_ECHO_TIME_OFFSET
 *    56      8    link echo hold ns (&gt;=0)/                        LINK_ECHO_HOLD_OFFSET
 *    64     16    config digest                                 CONFIG_DIGEST_OFFSET
 *    80      1    node flags: MAINTENANCE=1                     NODE_FLAGS_OFFSET
 *    81      8    maintenance epoch (&gt;= 0)                      MAINTENANCE_EPOCH_OFFSET
 *    89    1+n    cluster name                                  CLUSTER_LENGTH_OFFSET
 *          1+n    node name
 *           1     group count (0..32), then per group:
 *          1+n      group name
 *           1       flags: HOLDING=1 | WANTS=2 | YIELDS=4
 *   end     M     HMAC over every byte before it: M = 32 (sha256), 20 (sha1), 16 (md5)
 * </pre>
 * A datagram is at most {@value #MAX_DATAGRAM_BYTES} bytes, and the part before the MAC at most
 * {@code 1400 - 32} bytes whatever the key, so any message can be signed with any key. The
 * smallest datagram is 94 bytes plus the MAC.
 *
 * <p>The three link fields are written per medium by the transport (so one heartbeat is signed
 * once per medium): the sender's transport clock when it sent on this medium, and the link send
 * time of the last datagram it heard from us <em>on this medium</em> with how long it held it
 * before this send. The receiver gets the medium's round-trip time as
 * {@code receivedNanos - linkEcho - linkEchoHold}, both clocks only ever subtracted from
 * themselves. Zero echo and hold mean "nothing heard on this medium yet". Version 1 (without the
 * link fields) is refused as {@link DropReason#BAD_VERSION}: both directors upgrade together.
 *
 * <h2>Decoding</h2>
 * {@link #verify} never throws. It checks, in this order: size, magic, version, type, key id,
 * the minimum length for that key's MAC, then the MAC over the raw bytes (compared in constant
 * time), then the structure of the authenticated bytes (lengths, flags, UTF-8, unique groups) and
 * the cluster name, all without allocating (the HMAC is {@link Hmac}, which unlike the JDK's
 * {@code Mac} allocates nothing per call): a flood of forged, foreign or replayed datagrams
 * costs one HMAC each and no garbage. After a successful {@code verify} the fixed fields are readable ({@link #generation},
 * {@link #sequence}, {@link #linkSendNanos}, ...), the sender can be compared by name
 * ({@link #isFromNode}), and only {@link #message()} allocates. {@link #decode} does both steps.
 * The datagram is first copied into a reused array: the JDK copies a direct buffer into an array
 * to digest it anyway, and the copy avoids a per-packet {@code ByteBuffer} view.
 *
 * <h2>Threads</h2>
 * A codec keeps one {@link SigningKey} (with its {@link Hmac}) per key and reused scratch arrays,
 * none of them thread-safe: a codec belongs to one thread (the transport's event loop), and so
 * does every call to it, {@link #updateKeys} included.
 */
public final class HeartbeatCodec {
    /** The two magic bytes 'T' 'B'. */
    public static final int MAGIC = ('T' << 8) | 'B';
    /** The protocol version this codec speaks. */
    public static final int VERSION = 2;
    /** Message type: heartbeat. */
    public static final int TYPE_HEARTBEAT = 1;
    /** Largest datagram sent or accepted. */
    public static final int MAX_DATAGRAM_BYTES = 1400;
    /** Longest MAC of any supported algorithm (HMAC-SHA256). */
    public static final int MAX_MAC_BYTES = 32;
    /** Largest key id (it travels in one byte). */
    public static final int MAX_KEY_ID = 0xFF;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 2;
    static final int TYPE_OFFSET = 3;
    static final int KEY_ID_OFFSET = 4;
    static final int STATE_OFFSET = 5;
    static final int PRIORITY_OFFSET = 6;
    static final int GENERATION_OFFSET = 8;
    static final int SEQUENCE_OFFSET = 16;
    static final int SEND_TIME_OFFSET = 24;
    static final int ECHO_TIME_OFFSET = 32;
    static final int LINK_SEND_TIME_OFFSET = 40;
    static final int LINK_ECHO_TIME_OFFSET = 48;
    static final int LINK_ECHO_HOLD_OFFSET = 56;
    static final int CONFIG_DIGEST_OFFSET = 64;
    static final int NODE_FLAGS_OFFSET = 80;
    static final int MAINTENANCE_EPOCH_OFFSET = 81;
    static final int CLUSTER_LENGTH_OFFSET = 89;
    /** Node flag: the sender is in maintenance mode. */
    static final int FLAG_MAINTENANCE = 1;
    /** Length of the fixed part, before the cluster name. */
    static final int FIXED_BYTES = CLUSTER_LENGTH_OFFSET;
    /** The shortest part before the MAC: one-byte cluster and node names, no groups. */
    static final int MIN_UNSIGNED_BYTES = FIXED_BYTES + 2 + 2 + 1;
    /** The longest part before the MAC. */
    static final int MAX_UNSIGNED_BYTES = MAX_DATAGRAM_BYTES - MAX_MAC_BYTES;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final String cluster;
    private final byte[] clusterBytes;
    private final byte[] scratch = new byte[MAX_DATAGRAM_BYTES];
    private final byte[] expectedMac = new byte[64];
    private SigningKey[] slots;
    private SigningKey active;

    // What the last successful verify() found in scratch; meaningless after a failed one.
    private boolean verified;
    private int verifiedKeyId;
    private int nodeAt;
    private int groupsAt;

    /** A codec for the cluster named {@code cluster}, signing with {@code keys.active()}. */
    public HeartbeatCodec(String cluster, AuthKeys keys) {
        HeartbeatMessage.checkName("cluster", cluster);
        this.cluster = cluster;
        this.clusterBytes = cluster.getBytes(StandardCharsets.UTF_8);
        updateKeys(keys);
    }

    /**
     * Replaces the keys (key rotation): sign with the new active key, accept any listed key. On a
     * bad key the old keys stay in force.
     *
     * @throws IllegalArgumentException when a key id does not fit the one-byte field or a secret
     *                                  is unusable
     */
    public void updateKeys(AuthKeys keys) {
        Objects.requireNonNull(keys, "keys");
        SigningKey[] next = new SigningKey[MAX_KEY_ID + 1];
        for (AuthKey key : keys.keys().values()) {
            if (key.id() < 0 || key.id() > MAX_KEY_ID) {
                throw new IllegalArgumentException("authkeys key id=" + key.id()
                        + " does not fit the heartbeat's key id byte, must be 0.." + MAX_KEY_ID);
            }
            next[key.id()] = new SigningKey(key);
        }
        this.slots = next;
        this.active = next[keys.activeId()];
    }

    /** The cluster name this codec signs and accepts. */
    public String cluster() {
        return cluster;
    }

    /** The id of the key {@link #encode} signs with. */
    public int activeKeyId() {
        return active.id;
    }

    /**
     * Writes {@code m} with zero link fields, signed with the active key, at {@code out}'s writer
     * index.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException when {@code m} is for another cluster than this codec's
     */
    public int encode(HeartbeatMessage m, ByteBuf out) {
        return encode(m, 0, 0, 0, out);
    }

    /**
     * Writes {@code m} for one medium, signed with the active key, at {@code out}'s writer index.
     *
     * @param linkSendNanos     the sender's transport clock now
     * @param linkEchoNanos     the link send time of the last datagram heard on this medium, 0 if none
     * @param linkEchoHoldNanos how long ago that datagram was heard, {@code >= 0}; 0 if none
     * @return the number of bytes written
     * @throws IllegalArgumentException when {@code m} is for another cluster than this codec's or
     *                                  the hold is negative
     */
    public int encode(HeartbeatMessage m, long linkSendNanos, long linkEchoNanos, long linkEchoHoldNanos,
            ByteBuf out) {
        if (!m.cluster().equals(cluster)) {
            throw new IllegalArgumentException("heartbeat cluster=" + m.cluster()
                    + " differs from the codec's cluster=" + cluster);
        }
        if (linkEchoHoldNanos < 0) {
            throw new IllegalArgumentException("linkEchoHoldNanos=" + linkEchoHoldNanos + " must be >= 0");
        }
        byte[] b = scratch;
        verified = false;
        SigningKey key = active;
        b[MAGIC_OFFSET] = (byte) (MAGIC >> 8);
        b[MAGIC_OFFSET + 1] = (byte) MAGIC;
        b[VERSION_OFFSET] = VERSION;
        b[TYPE_OFFSET] = TYPE_HEARTBEAT;
        b[KEY_ID_OFFSET] = (byte) key.id;
        b[STATE_OFFSET] = (byte) m.state().code();
        b[PRIORITY_OFFSET] = (byte) (m.priority() >> 8);
        b[PRIORITY_OFFSET + 1] = (byte) m.priority();
        LONG.set(b, GENERATION_OFFSET, m.generation());
        LONG.set(b, SEQUENCE_OFFSET, m.sequence());
        LONG.set(b, SEND_TIME_OFFSET, m.sendTimeNanos());
        LONG.set(b, ECHO_TIME_OFFSET, m.echoTimeNanos());
        LONG.set(b, LINK_SEND_TIME_OFFSET, linkSendNanos);
        LONG.set(b, LINK_ECHO_TIME_OFFSET, linkEchoNanos);
        LONG.set(b, LINK_ECHO_HOLD_OFFSET, linkEchoHoldNanos);
        System.arraycopy(m.configDigestNoCopy(), 0, b, CONFIG_DIGEST_OFFSET, HeartbeatMessage.CONFIG_DIGEST_BYTES);
        b[NODE_FLAGS_OFFSET] = (byte) (m.maintenance() ? FLAG_MAINTENANCE : 0);
        LONG.set(b, MAINTENANCE_EPOCH_OFFSET, m.maintenanceEpoch());
        int p = CLUSTER_LENGTH_OFFSET;
        b[p++] = (byte) clusterBytes.length;
        System.arraycopy(clusterBytes, 0, b, p, clusterBytes.length);
        p += clusterBytes.length;
        p = putName(m.node(), b, p);
        List<GroupClaim> groups = m.groups();
        b[p++] = (byte) groups.size();
        for (int i = 0; i < groups.size(); i++) {
            GroupClaim g = groups.get(i);
            p = putName(g.group(), b, p);
            b[p++] = (byte) g.flags();
        }
        key.hmac.compute(b, 0, p, b, p);
        int length = p + key.macLength;
        out.writeBytes(b, 0, length);
        return length;
    }

    private static int putName(String name, byte[] b, int p) {
        int end = Utf8.encode(name, b, p + 1);
        b[p] = (byte) (end - p - 1);
        return end;
    }

    /**
     * Decodes the readable bytes of {@code in} (its indexes are left alone). Never throws:
     * anything but an authentic, well-formed heartbeat of this cluster comes back as a
     * {@link DropReason}.
     */
    public DecodeResult decode(ByteBuf in) {
        DropReason reason = verify(in);
        return reason != null ? DecodeResult.dropped(reason) : DecodeResult.accepted(message(), verifiedKeyId);
    }

    /**
     * Checks the readable bytes of {@code in} (its indexes are left alone) without allocating.
     * Never throws.
     *
     * @return null when the datagram is an authentic, well-formed heartbeat of this cluster; its
     *         fields are then readable until the next call to this codec. Otherwise why it is dropped.
     */
    public DropReason verify(ByteBuf in) {
        verified = false;
        int length = in.readableBytes();
        if (length > MAX_DATAGRAM_BYTES) {
            return DropReason.OVERSIZED;
        }
        if (length < MAGIC_OFFSET + 2) {
            return DropReason.TRUNCATED;
        }
        byte[] b = scratch;
        in.getBytes(in.readerIndex(), b, 0, length);
        if (u16(b, MAGIC_OFFSET) != MAGIC) {
            return DropReason.BAD_MAGIC;
        }
        if (length <= VERSION_OFFSET) {
            return DropReason.TRUNCATED;
        }
        if (u8(b, VERSION_OFFSET) != VERSION) {
            return DropReason.BAD_VERSION;
        }
        if (length <= TYPE_OFFSET) {
            return DropReason.TRUNCATED;
        }
        if (u8(b, TYPE_OFFSET) != TYPE_HEARTBEAT) {
            return DropReason.UNKNOWN_TYPE;
        }
        if (length <= KEY_ID_OFFSET) {
            return DropReason.TRUNCATED;
        }
        SigningKey key = slots[u8(b, KEY_ID_OFFSET)];
        if (key == null) {
            return DropReason.UNKNOWN_KEY;
        }
        int end = length - key.macLength;
        if (end < MIN_UNSIGNED_BYTES) {
            return DropReason.TRUNCATED;
        }
        if (!key.verify(b, end, expectedMac)) {
            return DropReason.BAD_MAC;
        }
        // Authentic from here on: a bad structure means a buggy or newer peer, not an attacker.
        DropReason structure = checkStructure(b, end);
        if (structure == null) {
            verified = true;
            verifiedKeyId = key.id;
        }
        return structure;
    }

    /** Every length, flag and name of the authenticated bytes, and the cluster name; allocates nothing. */
    private DropReason checkStructure(byte[] b, int end) {
        if (NodeState.fromCode(u8(b, STATE_OFFSET)) == null || (long) LONG.get(b, GENERATION_OFFSET) < 0
                || (long) LONG.get(b, SEQUENCE_OFFSET) < 0 || (long) LONG.get(b, LINK_ECHO_HOLD_OFFSET) < 0
                || (u8(b, NODE_FLAGS_OFFSET) & ~FLAG_MAINTENANCE) != 0 || (long) LONG.get(b, MAINTENANCE_EPOCH_OFFSET) < 0
                || end > MAX_UNSIGNED_BYTES) {
            return DropReason.MALFORMED;
        }
        int node = skipName(b, CLUSTER_LENGTH_OFFSET, end);
        int groups = skipName(b, node, end);
        if (groups < 0 || groups >= end) {
            return DropReason.MALFORMED;
        }
        int groupCount = u8(b, groups);
        if (groupCount > HeartbeatMessage.MAX_GROUPS) {
            return DropReason.MALFORMED;
        }
        int p = groups + 1;
        for (int i = 0; i < groupCount; i++) {
            int at = p;
            p = skipName(b, p, end);
            if (p < 0 || p >= end || (u8(b, p) & ~GroupClaim.KNOWN_FLAGS) != 0 || appearsBefore(b, at, groups + 1)) {
                return DropReason.MALFORMED;
            }
            p++;
        }
        if (p != end) {
            return DropReason.MALFORMED;
        }
        if (!sameBytes(b, CLUSTER_LENGTH_OFFSET + 1, u8(b, CLUSTER_LENGTH_OFFSET), clusterBytes)) {
            return DropReason.FOREIGN_CLUSTER;
        }
        this.nodeAt = node;
        this.groupsAt = groups;
        return null;
    }

    /** Whether the group name at {@code at} equals one of the group names between {@code first} and it. */
    private static boolean appearsBefore(byte[] b, int at, int first) {
        int len = u8(b, at);
        for (int p = first; p < at; p += 1 + u8(b, p) + 1) {
            if (u8(b, p) == len && sameRange(b, p + 1, at + 1, len)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The index after the name whose length byte is at {@code p}, or -1 when it is empty, too
     * long, overruns or is not UTF-8.
     */
    private static int skipName(byte[] b, int p, int end) {
        if (p < 0 || p >= end) {
            return -1;
        }
        int n = u8(b, p);
        if (n < 1 || n > HeartbeatMessage.MAX_NAME_BYTES || p + 1 + n > end || !Utf8.isValid(b, p + 1, n)) {
            return -1;
        }
        return p + 1 + n;
    }

    private void checkVerified() {
        if (!verified) {
            throw new IllegalStateException("no verified heartbeat: call verify first and check it returned null");
        }
    }

    /** The generation of the heartbeat just verified. */
    public long generation() {
        checkVerified();
        return (long) LONG.get(scratch, GENERATION_OFFSET);
    }

    /** The sequence of the heartbeat just verified. */
    public long sequence() {
        checkVerified();
        return (long) LONG.get(scratch, SEQUENCE_OFFSET);
    }

    /** The sender's link send time in the heartbeat just verified. */
    public long linkSendNanos() {
        checkVerified();
        return (long) LONG.get(scratch, LINK_SEND_TIME_OFFSET);
    }

    /** The link echo time (our own link send time, echoed) in the heartbeat just verified, 0 if none. */
    public long linkEchoNanos() {
        checkVerified();
        return (long) LONG.get(scratch, LINK_ECHO_TIME_OFFSET);
    }

    /** How long the sender held the link echo before sending the heartbeat just verified, {@code >= 0}. */
    public long linkEchoHoldNanos() {
        checkVerified();
        return (long) LONG.get(scratch, LINK_ECHO_HOLD_OFFSET);
    }

    /** The id of the key that signed the heartbeat just verified. */
    public int keyId() {
        checkVerified();
        return verifiedKeyId;
    }

    /** Whether the heartbeat just verified was sent by the node whose name is {@code nodeUtf8}; allocates nothing. */
    public boolean isFromNode(byte[] nodeUtf8) {
        checkVerified();
        return sameBytes(scratch, nodeAt + 1, u8(scratch, nodeAt), nodeUtf8);
    }

    /** The heartbeat just verified, as a message (this is where decoding allocates). */
    public HeartbeatMessage message() {
        checkVerified();
        byte[] b = scratch;
        String node = name(b, nodeAt);
        int groupCount = u8(b, groupsAt);
        List<GroupClaim> groups = new ArrayList<>(groupCount);
        int p = groupsAt + 1;
        for (int i = 0; i < groupCount; i++) {
            String group = name(b, p);
            p += 1 + u8(b, p);
            groups.add(GroupClaim.fromFlags(group, u8(b, p++)));
        }
        byte[] digest = new byte[HeartbeatMessage.CONFIG_DIGEST_BYTES];
        System.arraycopy(b, CONFIG_DIGEST_OFFSET, digest, 0, digest.length);
        return new HeartbeatMessage(cluster, node, (long) LONG.get(b, GENERATION_OFFSET),
                (long) LONG.get(b, SEQUENCE_OFFSET), (long) LONG.get(b, SEND_TIME_OFFSET),
                (long) LONG.get(b, ECHO_TIME_OFFSET), NodeState.fromCode(u8(b, STATE_OFFSET)),
                u16(b, PRIORITY_OFFSET), digest, groups, (u8(b, NODE_FLAGS_OFFSET) & FLAG_MAINTENANCE) != 0,
                (long) LONG.get(b, MAINTENANCE_EPOCH_OFFSET));
    }

    private static String name(byte[] b, int p) {
        return new String(b, p + 1, u8(b, p), StandardCharsets.UTF_8);
    }

    private static boolean sameBytes(byte[] b, int off, int len, byte[] expected) {
        return len == expected.length && sameRange(b, off, expected, len);
    }

    private static boolean sameRange(byte[] b, int off, byte[] other, int len) {
        for (int i = 0; i < len; i++) {
            if (b[off + i] != other[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameRange(byte[] b, int off, int otherOff, int len) {
        for (int i = 0; i < len; i++) {
            if (b[off + i] != b[otherOff + i]) {
                return false;
            }
        }
        return true;
    }

    private static int u8(byte[] b, int p) {
        return b[p] & 0xFF;
    }

    private static int u16(byte[] b, int p) {
        return (u8(b, p) << 8) | u8(b, p + 1);
    }

    /** The length of a message before its MAC; the names must have passed {@link HeartbeatMessage#checkName}. */
    static int unsignedLength(String cluster, String node, List<GroupClaim> groups) {
        int n = FIXED_BYTES + 1 + Utf8.encodedLength(cluster) + 1 + Utf8.encodedLength(node) + 1;
        for (GroupClaim g : groups) {
            n += 1 + Utf8.encodedLength(g.group()) + 1;
        }
        return n;
    }
}
