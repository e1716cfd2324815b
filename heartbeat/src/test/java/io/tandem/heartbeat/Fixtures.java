package io.tandem.heartbeat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Keys, messages and datagrams shared by the heartbeat tests. */
final class Fixtures {
    static final String CLUSTER = "lb-cluster";
    static final byte[] DIGEST = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    private Fixtures() {
    }

    static AuthKey key(int id, String secret) {
        return new AuthKey(id, AuthAlgorithm.SHA256, secret.getBytes(StandardCharsets.UTF_8));
    }

    static AuthKey key(int id, AuthAlgorithm algorithm, String secret) {
        return new AuthKey(id, algorithm, secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Key 1, sha256, "s3cret". */
    static AuthKeys keys() {
        return keys(key(1, "s3cret"));
    }

    static AuthKeys keys(AuthKey active, AuthKey... others) {
        Map<Integer, AuthKey> map = new java.util.HashMap<>();
        map.put(active.id(), active);
        for (AuthKey k : others) {
            map.put(k.id(), k);
        }
        return new AuthKeys(active.id(), map);
    }

    static HeartbeatMessage message(String node, long generation, long sequence) {
        return new HeartbeatMessage(CLUSTER, node, generation, sequence, 1_000_000L + sequence, 999_000L,
                NodeState.RUNNING, 100, DIGEST,
                List.of(new GroupClaim("web", true, false, false), new GroupClaim("mail", false, true, true)));
    }

    static HeartbeatMessage message() {
        return message("alpha", 7, 42);
    }

    /** The datagram {@code codec} makes of {@code m}. */
    static byte[] encode(HeartbeatCodec codec, HeartbeatMessage m) {
        ByteBuf buf = Unpooled.buffer();
        int n = codec.encode(m, buf);
        byte[] bytes = ByteBufUtil.getBytes(buf);
        if (n != bytes.length) {
            throw new AssertionError("encode returned " + n + " but wrote " + bytes.length);
        }
        return bytes;
    }

    static DecodeResult decode(HeartbeatCodec codec, byte[] datagram) {
        return codec.decode(Unpooled.wrappedBuffer(datagram));
    }

    static DecodeResult decode(HeartbeatCodec codec, byte[] datagram, int length) {
        return codec.decode(Unpooled.wrappedBuffer(Arrays.copyOf(datagram, length)));
    }
}
