package io.tandem.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeartbeatCountersTest {
    @Test
    void shouldNameEveryCounterInTheSnapshot() {
        HeartbeatCounters c = new HeartbeatCounters();
        c.onReceived();
        c.onReceived();
        c.onReceived();
        c.onAccepted();
        c.onDropped(DropReason.BAD_MAC);
        c.onDropped(DropReason.REPLAYED);
        c.onSent();
        c.onSendError();
        c.onCopy();
        c.onUnattributed();
        c.onOwnEcho();
        c.onIgnoredBroadcast();

        Map<String, Long> s = c.snapshot();

        assertEquals(3L, s.get("received"));
        assertEquals(1L, s.get("accepted"));
        assertEquals(1L, s.get("sent"));
        assertEquals(1L, s.get("send_errors"));
        assertEquals(0L, s.get("receive_errors"));
        assertEquals(1L, s.get("dropped.bad_mac"));
        assertEquals(1L, s.get("dropped.replayed"));
        assertEquals(0L, s.get("dropped.foreign_cluster"));
        assertEquals(1L, s.get("copies"));
        assertEquals(1L, s.get("unattributed"));
        assertEquals(1L, s.get("own_echoes"));
        assertEquals(1L, s.get("ignored_broadcast"));
        assertEquals(9 + DropReason.values().length, s.size());
        assertEquals(List.of("received", "accepted", "copies", "sent", "send_errors", "receive_errors", "unattributed",
                "own_echoes", "ignored_broadcast", "dropped.truncated"), List.copyOf(s.keySet()).subList(0, 10));
        assertEquals(2, c.droppedTotal());
    }
}
