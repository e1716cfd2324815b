package io.tandem.daemon.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tandem.health.CheckDefinition;
import io.tandem.health.CheckType;
import io.tandem.health.CheckedServer;
import io.tandem.health.HealthMonitor;
import io.tandem.health.ProbeSet;
import io.tandem.health.Service;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real TCP connect checks on loopback, through the counting selector, driven by a real health monitor. */
@Timeout(60)
class CheckCounterTest {
    private static final CheckDefinition CONNECT = CheckDefinition.builder(CheckType.CONNECT, Service.NONE)
            .timeout(Duration.ofSeconds(2)).interval(Duration.ofMillis(100)).build();

    @Test
    void shouldCountEachCheckOnceAsOkOrFailedPerServer() throws Exception {
        CheckCounter counter = new CheckCounter();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        InetSocketAddress vip = new InetSocketAddress(loopback, 80);
        try (ServerSocket listening = new ServerSocket(0, 50, loopback);
                ServerSocket closed = new ServerSocket(0, 1, loopback);
                ProbeSet probes = new ProbeSet(1, 2, null)) {
            CheckedServer up = CheckedServer.tcp(vip, new InetSocketAddress(loopback, listening.getLocalPort()), CONNECT);
            int closedPort = closed.getLocalPort();
            closed.close();
            CheckedServer down = CheckedServer.tcp(vip, new InetSocketAddress(loopback, closedPort), CONNECT);
            try (HealthMonitor monitor = new HealthMonitor((s, ok, why) -> { }, System::nanoTime, counter.around(probes))) {
                monitor.start();
                monitor.update(List.of(up, down));

                CheckCounter.Key upKey = new CheckCounter.Key("127.0.0.1:80/tcp", "127.0.0.1:" + listening.getLocalPort());
                CheckCounter.Key downKey = new CheckCounter.Key("127.0.0.1:80/tcp", "127.0.0.1:" + closedPort);
                await().atMost(Duration.ofSeconds(10)).until(() -> counter.snapshot().containsKey(upKey)
                        && counter.snapshot().get(upKey).ok() >= 3 && counter.snapshot().containsKey(downKey)
                        && counter.snapshot().get(downKey).failed() >= 3);
                assertEquals(0, counter.snapshot().get(upKey).failed());
                assertEquals(0, counter.snapshot().get(downKey).ok());
            }
        }
    }
}
