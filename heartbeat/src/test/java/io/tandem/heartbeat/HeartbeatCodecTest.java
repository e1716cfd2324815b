package io.tandem.heartbeat;

import static io.tandem.heartbeat.Fixtures.CLUSTER;
import static io.tandem.heartbeat.Fixtures.DIGEST;
import static io.tandem.heartbeat.Fixtures.decode;
import static io.tandem.heartbeat.Fixtures.encode;
import static io.tandem.heartbeat.Fixtures.key;
import static io.tandem.heartbeat.Fixtures.keys;
import static io.tandem.heartbeat.Fixtures.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HeartbeatCodecTest {
    private static final AuthKey KEY = key(1, "s3cret");
    private final HeartbeatCodec codec = new HeartbeatCodec(CLUSTER, keys());

    @Test
    void shouldRoundTripHeartbeat() {
        HeartbeatMessage m = new HeartbeatMessage(CLUSTER, "dïrector-ä", Long.MAX_VALUE, 0, -5L, Long.MIN_VALUE,
                NodeState.LEAVING, 65535, DIGEST,
                List.of(new GroupClaim("web", true, false, false), new GroupClaim("mail", false, true, false),
                        new GroupClaim("ftp", false, false, true), new GroupClaim("dns", true, true, true),
                        new GroupClaim("none", false, false, false)));

        DecodeResult r = decode(codec, encode(codec, m));

        assertTrue(r.isAccepted(), r::toString);
        assertEquals(m, r.message());
        assertEquals(1, r.keyId());
        assertNull(r.dropReason());
    }

    @Test
    void shouldRoundTripEveryStateAndNoGroups() {
        for (NodeState state : NodeState.values()) {
            HeartbeatMessage m = new HeartbeatMessage(CLUSTER, "b", 1, 1, 0, 0, state, 0, new byte[16], List.of());
            assertEquals(m, decode(codec, encode(codec, m)).message());
        }
    }

    @ParameterizedTest
    @EnumSource(AuthAlgorithm.class)
    void shouldRoundTripWithEveryAlgorithm(AuthAlgorithm algorithm) {
        HeartbeatCodec c = new HeartbeatCodec(CLUSTER, keys(key(3, algorithm, "k")));
        byte[] datagram = encode(c, message());

        assertEquals(HeartbeatCodec.unsignedLength(CLUSTER, "alpha", message().groups()) + algorithm.macLength(),
                datagram.length);
        assertEquals(message(), decode(c, datagram).message());
    }

    @Test
    void shouldCarryMaintenanceModeAndItsEpoch() {
        HeartbeatMessage m = new HeartbeatMessage(CLUSTER, "alpha", 1, 2, 3, 4, NodeState.RUNNING, 7, DIGEST,
                List.of(), true, 5);
        ByteBuf out = Unpooled.buffer();
        codec.encode(m, out);
        HeartbeatMessage back = codec.decode(out).message();
        assertEquals(true, back.maintenance());
        assertEquals(5, back.maintenanceEpoch());
    }

    @Test
    void shouldWriteTheDocumentedLayout() {
        HeartbeatMessage m = new HeartbeatMessage(CLUSTER, "alpha", 0x0102030405060708L, 9, 10, 11,
                NodeState.RUNNING, 0x1234, DIGEST, List.of(new GroupClaim("web", true, false, true)), true, 42);
        ByteBuf out = Unpooled.buffer();
        codec.encode(m, 12, 13, 14, out);
        ByteBuffer b = ByteBuffer.wrap(io.netty.buffer.ByteBufUtil.getBytes(out));

        assertEquals('T', b.get(0));
        assertEquals('B', b.get(1));
        assertEquals(2, b.get(2), "version");
        assertEquals(1, b.get(3), "type");
        assertEquals(1, b.get(4), "key id");
        assertEquals(2, b.get(5), "state RUNNING");
        assertEquals(0x1234, b.getShort(6));
        assertEquals(0x0102030405060708L, b.getLong(8));
        assertEquals(9, b.getLong(16));
        assertEquals(10, b.getLong(24), "send time");
        assertEquals(11, b.getLong(32), "echo time");
        assertEquals(12, b.getLong(40), "link send time");
        assertEquals(13, b.getLong(48), "link echo time");
        assertEquals(14, b.getLong(56), "link echo hold");
        assertArrayEquals(DIGEST, Arrays.copyOfRange(b.array(), 64, 80));
        assertEquals(1, b.get(80), "node flags: maintenance");
        assertEquals(42, b.getLong(81), "maintenance epoch");
        assertEquals(CLUSTER.length(), b.get(89));
        int node = 90 + CLUSTER.length();
        assertEquals(5, b.get(node));
        int groups = node + 1 + 5;
        assertEquals(1, b.get(groups));
        assertEquals(3, b.get(groups + 1));
        assertEquals(GroupClaim.HOLDING | GroupClaim.YIELDS, b.get(groups + 5));
        assertEquals(groups + 6 + 32, b.capacity(), "sha256 MAC closes the datagram");
    }

    @Test
    void shouldExposeTheFixedFieldsOfAVerifiedHeartbeatWithoutAMessage() {
        ByteBuf out = Unpooled.buffer();
        codec.encode(message("alpha", 7, 42), 1_000, 2_000, 3_000, out);

        assertNull(codec.verify(out));

        assertEquals(7, codec.generation());
        assertEquals(42, codec.sequence());
        assertEquals(1_000, codec.linkSendNanos());
        assertEquals(2_000, codec.linkEchoNanos());
        assertEquals(3_000, codec.linkEchoHoldNanos());
        assertEquals(1, codec.keyId());
        assertTrue(codec.isFromNode("alpha".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertFalse(codec.isFromNode("alph".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(message("alpha", 7, 42), codec.message());
    }

    @Test
    void shouldRefuseFieldAccessWithoutAVerifiedHeartbeat() {
        assertEquals(DropReason.TRUNCATED, codec.verify(Unpooled.wrappedBuffer(new byte[] {'T'})));

        assertThrows(IllegalStateException.class, codec::sequence);
        assertThrows(IllegalStateException.class, codec::message);
    }

    @Test
    void shouldRefuseANegativeLinkHold() {
        assertThrows(IllegalArgumentException.class, () -> codec.encode(message(), 1, 2, -1, Unpooled.buffer()));
    }

    @Test
    void shouldAppendAtWriterIndexAndLeaveReaderIndexAlone() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes(new byte[] {9, 9, 9});
        int n = codec.encode(message(), buf);
        assertEquals(3 + n, buf.writerIndex());

        buf.readerIndex(3);
        assertTrue(codec.decode(buf).isAccepted());
        assertEquals(3, buf.readerIndex());
        assertEquals(3 + n, buf.writerIndex());
    }

    @Test
    void shouldDecodeFromPooledDirectBuffer() {
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        try {
            direct.writeBytes(encode(codec, message()));
            assertEquals(message(), codec.decode(direct).message());
        } finally {
            direct.release();
        }
    }

    @Test
    void shouldRejectWrongKey() {
        HeartbeatCodec sameIdOtherSecret = new HeartbeatCodec(CLUSTER, keys(key(1, "guessed")));
        HeartbeatCodec unlistedId = new HeartbeatCodec(CLUSTER, keys(key(2, "s3cret")));

        assertEquals(DropReason.BAD_MAC, decode(codec, encode(sameIdOtherSecret, message())).dropReason());
        assertEquals(DropReason.UNKNOWN_KEY, decode(codec, encode(unlistedId, message())).dropReason());
    }

    @Test
    void shouldRejectSameSecretUnderAnotherAlgorithm() {
        HeartbeatCodec sha1 = new HeartbeatCodec(CLUSTER, keys(key(1, AuthAlgorithm.SHA1, "s3cret")));
        assertFalse(decode(codec, encode(sha1, message())).isAccepted());
    }

    @Test
    void shouldAcceptAnyListedKeyForRotation() {
        AuthKey oldKey = key(1, "old");
        AuthKey newKey = key(2, "new");
        HeartbeatCodec receiver = new HeartbeatCodec(CLUSTER, keys(oldKey, newKey));
        HeartbeatCodec sender = new HeartbeatCodec(CLUSTER, keys(oldKey));

        DecodeResult before = decode(receiver, encode(sender, message()));
        sender.updateKeys(keys(newKey, oldKey));
        DecodeResult during = decode(receiver, encode(sender, message()));
        receiver.updateKeys(keys(newKey));
        sender.updateKeys(keys(oldKey));
        DecodeResult retired = decode(receiver, encode(sender, message()));

        assertEquals(1, before.keyId());
        assertEquals(2, during.keyId());
        assertEquals(message(), during.message());
        assertEquals(1, sender.activeKeyId());
        assertEquals(DropReason.UNKNOWN_KEY, retired.dropReason());
    }

    @Test
    void shouldKeepOldKeysWhenNewOnesAreUnusable() {
        AuthKeys tooBigId = keys(key(256, "x"));
        assertThrows(IllegalArgumentException.class, () -> codec.updateKeys(tooBigId));
        AuthKeys emptySecret = keys(new AuthKey(5, AuthAlgorithm.SHA256, new byte[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.updateKeys(emptySecret));
        assertTrue(e.getMessage().contains("key id=5"), e.getMessage());

        assertTrue(decode(codec, encode(codec, message())).isAccepted());
        assertEquals(1, codec.activeKeyId());
    }

    @Test
    void shouldRejectTruncatedAtEveryLength() {
        byte[] datagram = encode(codec, message());
        int shortest = HeartbeatCodec.MIN_UNSIGNED_BYTES + 32;

        for (int length = 0; length < datagram.length; length++) {
            DecodeResult r = decode(codec, datagram, length);
            DropReason expected = length < shortest ? DropReason.TRUNCATED : DropReason.BAD_MAC;
            assertEquals(expected, r.dropReason(), "prefix of " + length + " bytes");
        }
        assertTrue(decode(codec, datagram, datagram.length).isAccepted());
    }

    @Test
    void shouldRejectEverySingleBitFlip() {
        byte[] datagram = encode(codec, message());
        for (int bit = 0; bit < datagram.length * 8; bit++) {
            byte[] flipped = datagram.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            DecodeResult r = decode(codec, flipped);
            assertFalse(r.isAccepted(), "bit " + bit + " flipped was accepted");
        }
    }

    @Test
    void shouldRejectForeignCluster() {
        HeartbeatCodec other = new HeartbeatCodec("other-cluster", keys());
        assertEquals(DropReason.FOREIGN_CLUSTER,
                decode(codec, encode(other, withCluster(message(), "other-cluster"))).dropReason());
    }

    @Test
    void shouldRefuseToEncodeAnotherClustersMessage() {
        HeartbeatMessage foreign = withCluster(message(), "other-cluster");
        assertThrows(IllegalArgumentException.class, () -> codec.encode(foreign, Unpooled.buffer()));
    }

    @Test
    void shouldRejectOversized() {
        byte[] valid = encode(codec, message());
        byte[] big = Arrays.copyOf(valid, HeartbeatCodec.MAX_DATAGRAM_BYTES + 1);

        assertEquals(DropReason.OVERSIZED, decode(codec, big).dropReason());
        assertEquals(DropReason.BAD_MAC, decode(codec, big, HeartbeatCodec.MAX_DATAGRAM_BYTES).dropReason());
        assertEquals(DropReason.OVERSIZED, decode(codec, new byte[65_507]).dropReason());
    }

    @Test
    void shouldRejectMessagesThatCannotFitOneDatagram() {
        List<GroupClaim> groups = new ArrayList<>();
        for (int i = 0; i < HeartbeatMessage.MAX_GROUPS; i++) {
            groups.add(new GroupClaim(String.format("%064d", i), true, false, false));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HeartbeatMessage(
                CLUSTER, "alpha", 1, 1, 0, 0, NodeState.RUNNING, 1, DIGEST, groups));
        assertTrue(e.getMessage().contains("must be <= 1368"), e.getMessage());
    }

    @Test
    void shouldEncodeTheLargestMessageWithinTheLimit() {
        List<GroupClaim> groups = new ArrayList<>();
        int length = HeartbeatCodec.FIXED_BYTES + 1 + 64 + 1 + 64 + 1;
        for (int i = 0; length + 66 <= HeartbeatCodec.MAX_UNSIGNED_BYTES; i++, length += 66) {
            groups.add(new GroupClaim(String.format("%064d", i), true, false, false));
        }
        String name = "c".repeat(64);
        HeartbeatCodec c = new HeartbeatCodec(name, keys());
        HeartbeatMessage m = new HeartbeatMessage(name, "n".repeat(64), 1, 1, 0, 0, NodeState.RUNNING, 1, DIGEST, groups);

        byte[] datagram = encode(c, m);

        assertTrue(datagram.length <= HeartbeatCodec.MAX_DATAGRAM_BYTES, "length " + datagram.length);
        assertEquals(m, decode(c, datagram).message());
    }

    @Test
    void shouldRejectBadMagicVersionAndType() {
        byte[] valid = encode(codec, message());
        assertEquals(DropReason.BAD_MAGIC, decode(codec, with(valid, 0, 'X')).dropReason());
        assertEquals(DropReason.BAD_MAGIC, decode(codec, new byte[] {'T', 'X'}).dropReason());
        assertEquals(DropReason.BAD_VERSION, decode(codec, with(valid, 2, 1)).dropReason(), "version 1: no link fields");
        assertEquals(DropReason.BAD_VERSION, decode(codec, with(valid, 2, 3)).dropReason());
        assertEquals(DropReason.BAD_VERSION, decode(codec, new byte[] {'T', 'B', 0}).dropReason());
        assertEquals(DropReason.UNKNOWN_TYPE, decode(codec, with(valid, 3, 7)).dropReason());
        assertEquals(DropReason.UNKNOWN_KEY, decode(codec, with(valid, 4, 200)).dropReason());
    }

    @Test
    void shouldRejectAuthenticButMalformedDatagrams() {
        byte[] valid = encode(codec, message());
        int end = valid.length - 32;
        List<byte[]> malformed = List.of(
                RawDatagram.unsignedPartOf(valid, 32).set(HeartbeatCodec.STATE_OFFSET, 9).signedWith(KEY),
                RawDatagram.unsignedPartOf(valid, 32).set(HeartbeatCodec.GENERATION_OFFSET, 0x80).signedWith(KEY),
                RawDatagram.unsignedPartOf(valid, 32).set(HeartbeatCodec.SEQUENCE_OFFSET, 0xFF).signedWith(KEY),
                RawDatagram.unsignedPartOf(valid, 32).set(HeartbeatCodec.LINK_ECHO_HOLD_OFFSET, 0x80).signedWith(KEY),
                RawDatagram.unsignedPartOf(valid, 32).set(HeartbeatCodec.NODE_FLAGS_OFFSET, 2).signedWith(KEY),
                RawDatagram.unsignedPartOf(valid, 32).set(HeartbeatCodec.MAINTENANCE_EPOCH_OFFSET, 0x80).signedWith(KEY),
                RawDatagram.unsignedPartOf(valid, 32).set(end - 1, 8).signedWith(KEY),
                RawDatagram.unsignedPartOf(valid, 32).u8(0).signedWith(KEY),
                RawDatagram.withHeaderOf(valid).name(CLUSTER).u8(0).u8(0).signedWith(KEY),
                RawDatagram.withHeaderOf(valid).name(CLUSTER).name("a").u8(33).signedWith(KEY),
                RawDatagram.withHeaderOf(valid).name(CLUSTER).name("a").u8(1).name("web").signedWith(KEY),
                RawDatagram.withHeaderOf(valid).name(CLUSTER).name("a").u8(2).name("web").u8(1).name("web").u8(1)
                        .signedWith(KEY),
                RawDatagram.withHeaderOf(valid).name(CLUSTER).u8(2).bytes(new byte[] {(byte) 0xC3, 0x28}).u8(0)
                        .signedWith(KEY),
                RawDatagram.withHeaderOf(valid).name(CLUSTER).u8(65).bytes(new byte[65]).u8(0).signedWith(KEY),
                RawDatagram.withHeaderOf(valid).name(CLUSTER).name("a").u8(0).u8(0).signedWith(KEY));
        for (int i = 0; i < malformed.size(); i++) {
            assertEquals(DropReason.MALFORMED, decode(codec, malformed.get(i)).dropReason(), "case " + i);
        }
        assertTrue(decode(codec, RawDatagram.withHeaderOf(valid).name(CLUSTER).name("a").u8(0).signedWith(KEY))
                .isAccepted(), "the well-formed control case");
    }

    @Test
    void shouldRejectBodyLongerThanAnyKeyCouldSign() {
        AuthKey md5 = key(4, AuthAlgorithm.MD5, "m");
        HeartbeatCodec c = new HeartbeatCodec(CLUSTER, keys(md5));
        byte[] header = encode(c, message());
        RawDatagram d = RawDatagram.withHeaderOf(header).name(CLUSTER).name("alpha").u8(20);
        for (int i = 0; i < 19; i++) {
            d.name(String.format("%064d", i)).u8(1);
        }
        d.name("x".repeat(HeartbeatCodec.MAX_UNSIGNED_BYTES + 1 - d.unsigned().length - 2)).u8(1);
        assertEquals(HeartbeatCodec.MAX_UNSIGNED_BYTES + 1, d.unsigned().length);

        byte[] datagram = d.signedWith(md5);

        assertTrue(datagram.length <= HeartbeatCodec.MAX_DATAGRAM_BYTES);
        assertEquals(DropReason.MALFORMED, decode(c, datagram).dropReason());
    }

    @Test
    void shouldValidateMessageFields() {
        assertThrows(IllegalArgumentException.class, () -> withNode(message(), ""));
        assertThrows(IllegalArgumentException.class, () -> withNode(message(), "n".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> withNode(message(), "\uD800"));
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatMessage(CLUSTER, "a", -1, 0, 0, 0,
                NodeState.RUNNING, 0, DIGEST, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatMessage(CLUSTER, "a", 0, 0, 0, 0,
                NodeState.RUNNING, 65536, DIGEST, List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HeartbeatMessage(
                CLUSTER, "a", 0, 0, 0, 0, NodeState.RUNNING, 0, new byte[32], List.of()));
        assertTrue(e.getMessage().contains("exactly 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatMessage(CLUSTER, "a", 0, 0, 0, 0,
                NodeState.RUNNING, 0, DIGEST, List.of(new GroupClaim("g", true, false, false),
                        new GroupClaim("g", false, false, false))));
    }

    @Test
    void shouldNotLetCallersChangeTheDigest() {
        byte[] digest = DIGEST.clone();
        HeartbeatMessage m = new HeartbeatMessage(CLUSTER, "a", 0, 0, 0, 0, NodeState.RUNNING, 0, digest, List.of());
        digest[0] = 99;
        m.configDigest()[1] = 99;
        assertTrue(m.sameConfigDigest(DIGEST));
    }

    @Test
    void shouldAllocateNoMessageForForgedDatagrams() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuf forged = Unpooled.directBuffer(2048).writeBytes(encode(new HeartbeatCodec(CLUSTER,
                keys(key(1, "forger"))), message()));
        ByteBuf unknownKey = Unpooled.directBuffer(2048).writeBytes(with(encode(codec, message()), 4, 9));
        ByteBuf genuine = Unpooled.directBuffer(2048).writeBytes(encode(codec, message()));
        int packets = 20_000;
        for (int i = 0; i < packets; i++) { // warm up
            codec.decode(forged);
            codec.decode(genuine);
        }

        long perForged = allocatedPerCall(threads, packets, forged);
        long perUnknownKey = allocatedPerCall(threads, packets, unknownKey);
        long perGenuine = allocatedPerCall(threads, packets, genuine);

        assertEquals(0, perForged, "forged datagram allocated");
        assertEquals(0, perUnknownKey, "unknown-key datagram allocated");
        assertTrue(perGenuine > perForged + 200, "genuine " + perGenuine + " vs forged " + perForged);
    }

    private long allocatedPerCall(com.sun.management.ThreadMXBean threads, int packets, ByteBuf datagram) {
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < packets; i++) {
            codec.decode(datagram);
        }
        return (threads.getThreadAllocatedBytes(id) - before) / packets;
    }

    private static HeartbeatMessage withCluster(HeartbeatMessage m, String cluster) {
        return new HeartbeatMessage(cluster, m.node(), m.generation(), m.sequence(), m.sendTimeNanos(),
                m.echoTimeNanos(), m.state(), m.priority(), m.configDigest(), m.groups());
    }

    private static HeartbeatMessage withNode(HeartbeatMessage m, String node) {
        return new HeartbeatMessage(m.cluster(), node, m.generation(), m.sequence(), m.sendTimeNanos(),
                m.echoTimeNanos(), m.state(), m.priority(), m.configDigest(), m.groups());
    }

    private static byte[] with(byte[] datagram, int index, int value) {
        byte[] copy = datagram.clone();
        copy[index] = (byte) value;
        return copy;
    }
}
