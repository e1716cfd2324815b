package io.tandem.heartbeat;

import io.netty.buffer.ByteBuf;
import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and decodes heartbeat datagrams, signed with HMAC.
 *
 * <h2>Wire format, version 1</h2>
 * Big-endian; each name is a length byte then 1..64 bytes of UTF-8.
 * <pre>
 *  offset  size   field
 *  ------  -----  --------------------------------------------------------------
 *     0      2    magic 'T' 'B'                                 MAGIC_OFFSET
 *     2      1    version = 1                                   VERSION_OFFSET
 *     3      1    type = 1 (heartbeat)                          TYPE_OFFSET
 *     4      1    key id (the authkeys id, 0..255)              KEY_ID_OFFSET
 *     5      1    node state (NodeState.code())                 STATE_OFFSET
 *     6      2    priority (unsigned)                           PRIORITY_OFFSET
 *     8      8    generation (&gt;= 0)                             GENERATION_OFFSET
 *    16      8    sequence (&gt;= 0)                               SEQUENCE_OFFSET
 *    24      8    send time ns                                  SEND_TIME_OFFSET
 *    32      8    echo time ns                                  ECHO_TIME_OFFSET
 *    40     16    config digest                                 CONFIG_DIGEST_OFFSET
 *    56    1+n    cluster name                                  CLUSTER_LENGTH_OFFSET
 *          1+n    node name
 *           1     group count (0..32), then per group:
 *          1+n      group name
 *           1       flags: HOLDING=1 | WANTS=2 | YIELDS=4
 *   end     M     HMAC over every byte before it: M = 32 (sha256), 20 (sha1), 16 (md5)
 * </pre>
 * A datagram is at most {@value #MAX_DATAGRAM_BYTES} bytes, and the part before the MAC at most
 * {@code 1400 - 32} bytes whatever the key, so any message can be signed with any key. The
 * smallest datagram is 61 bytes plus the MAC.
 *
 * <h2>Decoding</h2>
 * {@link #decode} never throws. It checks, in this order: size, magic, version, type, key id,
 * the minimum length for that key's MAC, then the MAC over the raw bytes (compared in constant
 * time), and only then parses the authenticated bytes. Nothing is allocated before the MAC has
 * been verified and the cluster name compared, so a flood of forged or foreign datagrams costs
 * one HMAC each and no garbage of this class's making (the JDK's HMAC allocates its own output).
 * The datagram is first copied into a reused array: the JDK copies a direct buffer into an array
 * to digest it anyway, and the copy avoids a per-packet {@code ByteBuffer} view.
 *
 * <h2>Threads</h2>
 * A codec keeps one {@link Mac} per key and reused scratch arrays, none of them thread-safe: a
 * codec belongs to one thread (the transport's event loop), and so does every call to it,
 * {@link #updateKeys} included.
 */
public final class HeartbeatCodec {
    /** The two magic bytes 'T' 'B'. */
    public static final int MAGIC = ('T' << 8) | 'B';
    /** The protocol version this codec speaks. */
    public static final int VERSION = 1;
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
    static final int CONFIG_DIGEST_OFFSET = 40;
    static final int CLUSTER_LENGTH_OFFSET = 56;
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
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private KeySlot[] slots;
    private KeySlot active;

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
        KeySlot[] next = new KeySlot[MAX_KEY_ID + 1];
        for (AuthKey key : keys.keys().values()) {
            if (key.id() < 0 || key.id() > MAX_KEY_ID) {
                throw new IllegalArgumentException("authkeys key id=" + key.id()
                        + " does not fit the heartbeat's key id byte, must be 0.." + MAX_KEY_ID);
            }
            next[key.id()] = new KeySlot(key);
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
     * Writes {@code m}, signed with the active key, at {@code out}'s writer index.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException when {@code m} is for another cluster than this codec's
     */
    public int encode(HeartbeatMessage m, ByteBuf out) {
        if (!m.cluster().equals(cluster)) {
            throw new IllegalArgumentException("heartbeat cluster=" + m.cluster()
                    + " differs from the codec's cluster=" + cluster);
        }
        byte[] b = scratch;
        KeySlot key = active;
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
        System.arraycopy(m.configDigestNoCopy(), 0, b, CONFIG_DIGEST_OFFSET, HeartbeatMessage.CONFIG_DIGEST_BYTES);
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
        key.mac.update(b, 0, p);
        try {
            key.mac.doFinal(b, p);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("scratch buffer too short for the MAC", e);
        }
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
        int length = in.readableBytes();
        if (length > MAX_DATAGRAM_BYTES) {
            return DecodeResult.dropped(DropReason.OVERSIZED);
        }
        if (length < MAGIC_OFFSET + 2) {
            return DecodeResult.dropped(DropReason.TRUNCATED);
        }
        byte[] b = scratch;
        in.getBytes(in.readerIndex(), b, 0, length);
        if (u16(b, MAGIC_OFFSET) != MAGIC) {
            return DecodeResult.dropped(DropReason.BAD_MAGIC);
        }
        if (length <= VERSION_OFFSET) {
            return DecodeResult.dropped(DropReason.TRUNCATED);
        }
        if (u8(b, VERSION_OFFSET) != VERSION) {
            return DecodeResult.dropped(DropReason.BAD_VERSION);
        }
        if (length <= TYPE_OFFSET) {
            return DecodeResult.dropped(DropReason.TRUNCATED);
        }
        if (u8(b, TYPE_OFFSET) != TYPE_HEARTBEAT) {
            return DecodeResult.dropped(DropReason.UNKNOWN_TYPE);
        }
        if (length <= KEY_ID_OFFSET) {
            return DecodeResult.dropped(DropReason.TRUNCATED);
        }
        KeySlot key = slots[u8(b, KEY_ID_OFFSET)];
        if (key == null) {
            return DecodeResult.dropped(DropReason.UNKNOWN_KEY);
        }
        int end = length - key.macLength;
        if (end < MIN_UNSIGNED_BYTES) {
            return DecodeResult.dropped(DropReason.TRUNCATED);
        }
        if (!key.verify(b, end, expectedMac)) {
            return DecodeResult.dropped(DropReason.BAD_MAC);
        }
        // Authentic from here on: a bad structure means a buggy or newer peer, not an attacker.
        return parse(b, end, key.id);
    }

    private DecodeResult parse(byte[] b, int end, int keyId) {
        NodeState state = NodeState.fromCode(u8(b, STATE_OFFSET));
        long generation = (long) LONG.get(b, GENERATION_OFFSET);
        long sequence = (long) LONG.get(b, SEQUENCE_OFFSET);
        if (state == null || generation < 0 || sequence < 0 || end > MAX_UNSIGNED_BYTES) {
            return DecodeResult.dropped(DropReason.MALFORMED);
        }
        // First pass: check every length and flag without allocating.
        int clusterAt = CLUSTER_LENGTH_OFFSET;
        int nodeAt = skipName(b, clusterAt, end);
        int groupsAt = skipName(b, nodeAt, end);
        if (groupsAt < 0 || groupsAt >= end) {
            return DecodeResult.dropped(DropReason.MALFORMED);
        }
        int groupCount = u8(b, groupsAt);
        if (groupCount > HeartbeatMessage.MAX_GROUPS) {
            return DecodeResult.dropped(DropReason.MALFORMED);
        }
        int p = groupsAt + 1;
        for (int i = 0; i < groupCount; i++) {
            p = skipName(b, p, end);
            if (p < 0 || p >= end || (u8(b, p) & ~GroupClaim.KNOWN_FLAGS) != 0) {
                return DecodeResult.dropped(DropReason.MALFORMED);
            }
            p++;
        }
        if (p != end) {
            return DecodeResult.dropped(DropReason.MALFORMED);
        }
        if (!sameBytes(b, clusterAt + 1, u8(b, clusterAt), clusterBytes)) {
            return DecodeResult.dropped(DropReason.FOREIGN_CLUSTER);
        }
        // Second pass: authentic, well formed and ours, so now allocate the message.
        try {
            String node = decodeName(b, nodeAt);
            List<GroupClaim> groups = new ArrayList<>(groupCount);
            p = groupsAt + 1;
            for (int i = 0; i < groupCount; i++) {
                String group = decodeName(b, p);
                p += 1 + u8(b, p);
                groups.add(GroupClaim.fromFlags(group, u8(b, p++)));
            }
            byte[] digest = new byte[HeartbeatMessage.CONFIG_DIGEST_BYTES];
            System.arraycopy(b, CONFIG_DIGEST_OFFSET, digest, 0, digest.length);
            HeartbeatMessage m = new HeartbeatMessage(cluster, node, generation, sequence,
                    (long) LONG.get(b, SEND_TIME_OFFSET), (long) LONG.get(b, ECHO_TIME_OFFSET),
                    state, u16(b, PRIORITY_OFFSET), digest, groups);
            return DecodeResult.accepted(m, keyId);
        } catch (CharacterCodingException | IllegalArgumentException e) {
            // invalid UTF-8 or a rule of HeartbeatMessage (a group listed twice)
            return DecodeResult.dropped(DropReason.MALFORMED);
        }
    }

    /** The index after the name whose length byte is at {@code p}, or -1 when it is empty, too long or overruns. */
    private static int skipName(byte[] b, int p, int end) {
        if (p < 0 || p >= end) {
            return -1;
        }
        int n = u8(b, p);
        if (n < 1 || n > HeartbeatMessage.MAX_NAME_BYTES || p + 1 + n > end) {
            return -1;
        }
        return p + 1 + n;
    }

    private String decodeName(byte[] b, int p) throws CharacterCodingException {
        return utf8.decode(ByteBuffer.wrap(b, p + 1, u8(b, p))).toString();
    }

    private static boolean sameBytes(byte[] b, int off, int len, byte[] expected) {
        if (len != expected.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[off + i] != expected[i]) {
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

    /** One authkeys key with its own {@link Mac}. */
    private static final class KeySlot {
        final int id;
        final Mac mac;
        final int macLength;

        KeySlot(AuthKey key) {
            AuthAlgorithm algorithm = key.algorithm();
            this.id = key.id();
            this.macLength = algorithm.macLength();
            if (macLength > MAX_MAC_BYTES) {
                throw new IllegalArgumentException("authkeys key id=" + id + " algorithm=" + algorithm
                        + " gives a " + macLength + "-byte MAC, must be <= " + MAX_MAC_BYTES);
            }
            try {
                this.mac = Mac.getInstance(algorithm.macName());
                mac.init(new SecretKeySpec(key.secret(), algorithm.macName()));
            } catch (InvalidKeyException | IllegalArgumentException e) {
                throw new IllegalArgumentException("authkeys key id=" + id + " is unusable as an "
                        + algorithm.macName() + " key: " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM has no " + algorithm.macName(), e);
            }
            if (mac.getMacLength() != macLength) {
                throw new IllegalStateException(algorithm.macName() + " gives " + mac.getMacLength()
                        + "-byte MACs, expected " + macLength);
            }
        }

        /** Whether the MAC after {@code b[0..end)} is right; compares in constant time. */
        boolean verify(byte[] b, int end, byte[] expected) {
            mac.update(b, 0, end);
            try {
                mac.doFinal(expected, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("MAC buffer too short", e);
            }
            int diff = 0;
            for (int i = 0; i < macLength; i++) {
                diff |= expected[i] ^ b[end + i];
            }
            return diff == 0;
        }
    }
}
