package io.tandem.bench.heartbeat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import io.tandem.heartbeat.DecodeResult;
import io.tandem.heartbeat.DropReason;
import io.tandem.heartbeat.GroupClaim;
import io.tandem.heartbeat.HeartbeatCodec;
import io.tandem.heartbeat.HeartbeatMessage;
import io.tandem.heartbeat.NodeState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The heartbeat wire format on its two paths, with HMAC-SHA256 and a typical message (two
 * resource groups): encoding and signing one datagram (done once per medium per keepalive),
 * verifying and decoding an accepted heartbeat (the first copy, which builds a message), verifying
 * a copy that arrived by a second medium (MAC and fields only, no message), and rejecting a forged
 * datagram (bad MAC). Inputs sit in direct buffers, as Netty's receive path hands them over. Run
 * with {@code -prof gc} to see the bytes allocated per operation: encoding, the copy and the
 * forged datagram allocate nothing (the codec's own HMAC writes into reused arrays); only the
 * accepted heartbeat allocates, for the message handed to the failover layer.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HeartbeatCodecBenchmark {
    private static final String CLUSTER = "tandem";

    private HeartbeatCodec codec;
    private HeartbeatMessage message;
    private ByteBuf out;
    private ByteBuf genuine;
    private ByteBuf forged;
    private long sendNanos;

    @Setup
    public void setUp() {
        AuthKeys keys = keys("a-long-random-secret");
        codec = new HeartbeatCodec(CLUSTER, keys);
        message = new HeartbeatMessage(CLUSTER, "d1", 3, 1_000, 123_456_789L, 123_000_000L, NodeState.RUNNING, 100,
                new byte[HeartbeatMessage.CONFIG_DIGEST_BYTES],
                List.of(new GroupClaim("198.51.100.10", true, false, false),
                        new GroupClaim("198.51.100.11", false, false, true)));
        out = Unpooled.directBuffer(HeartbeatCodec.MAX_DATAGRAM_BYTES);
        genuine = Unpooled.directBuffer(HeartbeatCodec.MAX_DATAGRAM_BYTES);
        codec.encode(message, 5_000, 4_000, 1_000, genuine);
        forged = Unpooled.directBuffer(HeartbeatCodec.MAX_DATAGRAM_BYTES);
        new HeartbeatCodec(CLUSTER, keys("a-guessed-secret")).encode(message, 5_000, 4_000, 1_000, forged);
    }

    @TearDown
    public void tearDown() {
        out.release();
        genuine.release();
        forged.release();
    }

    private static AuthKeys keys(String secret) {
        return new AuthKeys(1, Map.of(1, new AuthKey(1, AuthAlgorithm.SHA256, secret.getBytes(StandardCharsets.UTF_8))));
    }

    /** One datagram for one medium: fill in the fields, HMAC-SHA256, copy into the outgoing buffer. */
    @Benchmark
    public int encodeAndSign() {
        out.clear();
        return codec.encode(message, ++sendNanos, 4_000, 1_000, out);
    }

    /** The first copy of a heartbeat: verify the MAC and the structure, then build the message. */
    @Benchmark
    public HeartbeatMessage verifyAndDecodeAccepted() {
        DecodeResult r = codec.decode(genuine);
        return r.message();
    }

    /** A copy of a heartbeat already delivered by another medium: verify and read the fixed fields only. */
    @Benchmark
    public long verifyCopyFromSecondMedium() {
        DropReason r = codec.verify(genuine);
        return r == null ? codec.sequence() + codec.linkSendNanos() : -1;
    }

    /** A datagram signed with the wrong secret: dropped as BAD_MAC after one HMAC. */
    @Benchmark
    public DropReason decodeForged() {
        return codec.decode(forged).dropReason();
    }
}
