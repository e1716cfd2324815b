package io.tandem.heartbeat;

import static io.tandem.heartbeat.Fixtures.CLUSTER;
import static io.tandem.heartbeat.Fixtures.decode;
import static io.tandem.heartbeat.Fixtures.encode;
import static io.tandem.heartbeat.Fixtures.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the codec over generated messages and generated garbage. */
class HeartbeatCodecPropertyTest {
    private final HeartbeatCodec codec = new HeartbeatCodec(CLUSTER, keys());

    @Property
    void shouldRoundTripAnyMessage(@ForAll("messages") HeartbeatMessage m) {
        DecodeResult r = decode(codec, encode(codec, m));
        assertEquals(m, r.message(), () -> String.valueOf(r));
    }

    @Property(tries = 5000)
    void shouldNeverAcceptNorThrowOnArbitraryBytes(@ForAll @Size(max = 1500) byte[] datagram) {
        DecodeResult r = decode(codec, datagram);
        assertNotNull(r.dropReason());
    }

    @Property(tries = 5000)
    void shouldNeverAcceptArbitraryBytesBehindAValidHeader(
            @ForAll @Size(max = 1500) byte[] tail, @ForAll @IntRange(min = 0, max = 4) int headerBytes) {
        byte[] header = {'T', 'B', HeartbeatCodec.VERSION, 1, 1};
        byte[] datagram = Arrays.copyOf(header, headerBytes + tail.length);
        System.arraycopy(tail, 0, datagram, headerBytes, tail.length);
        DecodeResult r = decode(codec, datagram);
        assertNotNull(r.dropReason());
    }

    @Property(tries = 2000)
    void shouldRejectAnySingleBitFlip(@ForAll("messages") HeartbeatMessage m, @ForAll @IntRange(min = 0) int bitSeed) {
        byte[] datagram = encode(codec, m);
        int bit = bitSeed % (datagram.length * 8);
        byte[] flipped = datagram.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));

        assertFalse(decode(codec, flipped).isAccepted(), "bit " + bit + " of " + datagram.length + " bytes");
        assertEquals(m, decode(codec, datagram).message(), "the unchanged datagram");
    }

    @Property(tries = 2000)
    void shouldAcceptACorruptedDatagramOnlyWhenUnchanged(@ForAll("messages") HeartbeatMessage m,
            @ForAll @IntRange(min = 0) int position, @ForAll byte value) {
        byte[] datagram = encode(codec, m);
        byte[] corrupted = datagram.clone();
        corrupted[position % corrupted.length] = value;

        DecodeResult r = decode(codec, corrupted);

        assertEquals(Arrays.equals(datagram, corrupted), r.isAccepted(), r::toString);
    }

    @Provide
    Arbitrary<HeartbeatMessage> messages() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('-', '.', '0', 'é', '水')
                .ofMinLength(1).ofMaxLength(20);
        Arbitrary<List<GroupClaim>> groups = Combinators.combine(names, Arbitraries.integers().between(0, 7))
                .as((name, flags) -> GroupClaim.fromFlags(name, flags))
                .list().ofMaxSize(HeartbeatMessage.MAX_GROUPS)
                .map(HeartbeatCodecPropertyTest::uniqueGroups);
        Arbitrary<Long> nonNegative = Arbitraries.longs().greaterOrEqual(0);
        Arbitrary<long[]> times = Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
                .as((sent, echo) -> new long[] {sent, echo});
        return Combinators.combine(
                        names, nonNegative, nonNegative, times, Arbitraries.of(NodeState.class),
                        Arbitraries.integers().between(0, HeartbeatMessage.MAX_PRIORITY),
                        Arbitraries.bytes().array(byte[].class).ofSize(HeartbeatMessage.CONFIG_DIGEST_BYTES), groups)
                .as((node, generation, sequence, t, state, priority, digest, g) ->
                        new HeartbeatMessage(CLUSTER, node, generation, sequence, t[0], t[1], state, priority, digest, g));
    }

    private static List<GroupClaim> uniqueGroups(List<GroupClaim> claims) {
        Map<String, GroupClaim> byName = new LinkedHashMap<>();
        for (GroupClaim c : claims) {
            byName.putIfAbsent(c.group(), c);
        }
        return new ArrayList<>(byName.values());
    }

    @Property(tries = 1000)
    void shouldCarryAnyLinkFieldsSignedAndUnchanged(@ForAll("messages") HeartbeatMessage m, @ForAll long linkSend,
            @ForAll long linkEcho, @ForAll @net.jqwik.api.constraints.LongRange(min = 0) long hold) {
        io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
        codec.encode(m, linkSend, linkEcho, hold, out);

        org.junit.jupiter.api.Assertions.assertNull(codec.verify(out));
        assertEquals(linkSend, codec.linkSendNanos());
        assertEquals(linkEcho, codec.linkEchoNanos());
        assertEquals(hold, codec.linkEchoHoldNanos());
        assertEquals(m, codec.message());
    }
}
