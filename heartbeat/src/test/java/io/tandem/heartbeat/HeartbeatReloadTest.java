package io.tandem.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tandem.config.BcastMedium;
import io.tandem.config.HaConfig;
import io.tandem.config.Medium;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatReloadTest {
    private static HaConfig ha(int port, Duration deadtime, List<Medium> media) {
        return new HaConfig("tandem", List.of("d1", "d2"), media, port, Duration.ofMillis(200), Duration.ofMillis(500),
                deadtime, Duration.ofSeconds(2), false, 5, Duration.ofMillis(200));
    }

    @Test
    void shouldTakeNewMediaLiveButNameWhatNeedsARestart() {
        HaConfig running = ha(694, Duration.ofSeconds(1), List.of(PeerLinksTest.ucast("eth0", "192.0.2.2")));

        assertEquals(List.of(), HeartbeatReload.restartNeededFor(running,
                ha(694, Duration.ofSeconds(1), List.of(new BcastMedium("eth1", 3)))));
        assertEquals(List.of("udpport=694 -> 695", "deadtime=1000ms -> 2000ms"), HeartbeatReload.restartNeededFor(running,
                ha(695, Duration.ofSeconds(2), running.media())));
    }
}
