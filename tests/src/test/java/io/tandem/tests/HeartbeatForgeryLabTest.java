package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import io.tandem.heartbeat.GroupClaim;
import io.tandem.heartbeat.HeartbeatCodec;
import io.tandem.heartbeat.HeartbeatMessage;
import io.tandem.heartbeat.NodeState;
import io.tandem.lab.DirectorLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heartbeats forged with a wrong key, or replayed from an earlier point of the real peer's
 * stream, are sent from the client's namespace to d2's real UDP 694. They must change nothing
 * (d1 keeps the VIP, d2 stays standby and keeps seeing d1 alive) and show up in d2's counters.
 */
@Timeout(120)
class HeartbeatForgeryLabTest extends LabTestBase {
    @BeforeEach
    void startBoth() {
        startPair();
    }

    /** A heartbeat claiming to be d1, holding nothing and asking for the group: harmful if believed. */
    private static byte[] forged(AuthKeys keys, long generation, long sequence) {
        HeartbeatMessage m = new HeartbeatMessage("tandem", "d1", generation, sequence, 1, 0, NodeState.LEAVING, 100,
                new byte[HeartbeatMessage.CONFIG_DIGEST_BYTES], List.of(new GroupClaim(DirectorLab.VIP, false, true, false)));
        ByteBuf buf = Unpooled.buffer();
        new HeartbeatCodec("tandem", keys).encode(m, buf);
        return ByteBufUtil.getBytes(buf);
    }

    private long counter(String name) throws IOException {
        return lab.status("d2").path("heartbeat").path(name).asLong();
    }

    @Test
    void wrongKeyAndReplayedHeartbeatsShouldChangeNothingAndBeCounted() throws IOException {
        AuthKeys wrong = new AuthKeys(1, Map.of(1, new AuthKey(1, AuthAlgorithm.SHA256,
                "not-the-lab-secret".getBytes(StandardCharsets.UTF_8))));
        AuthKeys right = new AuthKeys(1, Map.of(1, new AuthKey(1, AuthAlgorithm.SHA256,
                DirectorLab.SECRET.getBytes(StandardCharsets.UTF_8))));
        long d1Generation = Long.parseLong(Files.readString(lab.stateDir("d1").resolve("generation")).trim());
        long badMacBefore = counter("dropped.bad_mac");
        long replayedBefore = counter("dropped.replayed");

        // Correctly signed but old: the same (generation, sequence) d1 sent at its start.
        lab.sendDatagrams("client", DirectorLab.address("d2"), 694, List.of(
                forged(wrong, d1Generation + 1, 1), forged(wrong, d1Generation, 1_000_000),
                forged(right, d1Generation, 1), forged(right, d1Generation, 2), forged(right, d1Generation - 1, 5)));

        await().atMost(WAIT).until(() -> counter("dropped.bad_mac") >= badMacBefore + 2
                && counter("dropped.replayed") >= replayedBefore + 3);
        JsonNode d2 = lab.status("d2");
        assertEquals("standby", d2.path("state").asText());
        assertTrue(d2.path("peer").path("alive").asBoolean(), "d1 must still be alive in d2's eyes");
        assertEquals("active", lab.status("d1").path("state").asText());
        assertTrue(lab.kernelHasVip("d1"));
        assertTrue(!lab.kernelHasVip("d2"));
        assertEquals(0, d2.path("transitions").asLong(), "d2 must not have moved at all");
    }
}
