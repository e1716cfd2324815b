package io.tandem.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The monitor on its own thread with the real clock and real servers on loopback. */
class HealthMonitorTest {

    private static ServerStatus of(List<ServerStatus> all, CheckedServer s) {
        return all.stream().filter(st -> st.server().equals(s)).findFirst().orElseThrow();
    }

    @Test
    void shouldKeepCheckingOthersOnTimeWhileServersHang() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(Servers.LOOPBACK, 0), 50);
        http.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.start();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Servers.Silent silent = new Servers.Silent();
             ProbeSet probes = new ProbeSet(1, 4, null);
             HealthMonitor monitor = new HealthMonitor(
                     (s, up, reason) -> events.add(s.realName() + (up ? " up" : " down")), System::nanoTime, probes)) {
            Duration hungTimeout = Duration.ofSeconds(5);
            CheckedServer hungHttp = Servers.at(silent.port(), CheckDefinition.builder(CheckType.NEGOTIATE, Service.HTTP)
                    .interval(Duration.ofMillis(100)).timeout(hungTimeout).build());
            CheckedServer hungBlocking = Servers.at(silent.port(),
                    CheckDefinition.builder(CheckType.NEGOTIATE, Service.SIMPLETCP).request("PING\\r\\n")
                            .receive("PONG").interval(Duration.ofMillis(100)).timeout(hungTimeout).build());
            CheckedServer healthy = Servers.at(http.getAddress().getPort(),
                    CheckDefinition.builder(CheckType.NEGOTIATE, Service.HTTP).interval(Duration.ofMillis(100))
                            .timeout(Duration.ofSeconds(2)).build());
            monitor.start();
            monitor.update(List.of(hungHttp, hungBlocking, healthy));
            await().atMost(Duration.ofSeconds(30)).until(() -> of(monitor.snapshot(), healthy).checks() >= 10);
            List<ServerStatus> now = monitor.snapshot();
            assertEquals(0, of(now, hungHttp).checks(), "the hung HTTP check is still waiting for its answer");
            assertEquals(0, of(now, hungBlocking).checks(), "the hung blocking check is still waiting too");
            assertTrue(of(now, healthy).up());
            await().atMost(Duration.ofSeconds(30)).until(() -> of(monitor.snapshot(), hungBlocking).checks() >= 1
                    && of(monitor.snapshot(), hungHttp).checks() >= 1);
            now = monitor.snapshot();
            assertFalse(of(now, hungHttp).up());
            assertEquals("http 127.0.0.1:" + silent.port() + ": no answer within 5000 ms", of(now, hungHttp).lastReason());
            assertEquals("simpletcp 127.0.0.1:" + silent.port() + ": no answer within 5000 ms",
                    of(now, hungBlocking).lastReason());
            assertEquals(List.of(healthy.realName() + " up"), events);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void shouldReportUpAndDownAsTheServerComesAndGoes() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(Servers.LOOPBACK, 0), 50);
        http.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.start();
        int port = http.getAddress().getPort();
        List<String> events = new CopyOnWriteArrayList<>();
        try (ProbeSet probes = new ProbeSet(1, 2, null);
             HealthMonitor monitor = new HealthMonitor((s, up, reason) -> events.add((up ? "up: " : "down: ") + reason),
                     System::nanoTime, probes)) {
            CheckedServer server = Servers.at(port, CheckDefinition.builder(CheckType.CONNECT, Service.HTTP)
                    .interval(Duration.ofMillis(100)).timeout(Duration.ofSeconds(2)).fall(2).build());
            monitor.start();
            monitor.update(List.of(server));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            assertEquals("up: connect 127.0.0.1:" + port + ": connected", events.get(0));
            http.stop(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
            assertEquals("down: connect 127.0.0.1:" + port + ": connection refused", events.get(1));
            ServerStatus st = monitor.snapshot().get(0);
            assertFalse(st.up());
            assertTrue(st.consecutiveFail() >= 2, "fall=2: two failures in a row before down");
        } finally {
            http.stop(0);
        }
    }
}
