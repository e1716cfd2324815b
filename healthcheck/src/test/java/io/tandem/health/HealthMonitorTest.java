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

    @Test
    void shouldNotLetAMassOfHungServersExhaustDescriptorsOrStarveTheOthers() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(Servers.LOOPBACK, 0), 50);
        http.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.start();
        int cap = 20;
        // a listener that never accepts: once its queue is full, handshakes hang (SYNs are dropped)
        try (java.net.ServerSocket blackhole = new java.net.ServerSocket(0, 1, Servers.LOOPBACK);
             ProbeSet probes = new ProbeSet(1, 2, null, cap);
             HealthMonitor monitor = new HealthMonitor((s, up, reason) -> { }, System::nanoTime, probes)) {
            CheckDefinition hungCheck = CheckDefinition.builder(CheckType.NEGOTIATE, Service.HTTP)
                    .interval(Duration.ofMillis(500)).timeout(Duration.ofMillis(300)).build();
            List<CheckedServer> servers = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                // 200 virtual services with the same hung real server: 200 servers to check
                servers.add(CheckedServer.tcp(new InetSocketAddress(Servers.LOOPBACK, 10_000 + i),
                        new InetSocketAddress(Servers.LOOPBACK, blackhole.getLocalPort()), hungCheck));
            }
            CheckedServer healthy = Servers.at(http.getAddress().getPort(),
                    CheckDefinition.builder(CheckType.NEGOTIATE, Service.HTTP).interval(Duration.ofMillis(100))
                            .timeout(Duration.ofSeconds(2)).build());
            servers.add(healthy);
            long baseline = openDescriptors();
            monitor.start();
            monitor.update(servers);
            long[] most = {0};
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                most[0] = Math.max(most[0], openDescriptors());
                return monitor.snapshot().stream().filter(st -> !st.server().equals(healthy))
                        .allMatch(st -> Boolean.FALSE.equals(st.lastOk()));
            });
            long before = of(monitor.snapshot(), healthy).checks();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                most[0] = Math.max(most[0], openDescriptors());
                return of(monitor.snapshot(), healthy).checks() >= before + 20;
            });
            ServerStatus h = of(monitor.snapshot(), healthy);
            assertTrue(h.up(), h.lastReason());
            assertEquals(0, h.consecutiveFail(), "every check of the healthy server passed while the others hung");
            // without the cap about 120 of the 200 hung checks would be open at once (300 ms of every 500)
            assertTrue(most[0] - baseline <= cap + 30, "descriptors above the baseline: " + (most[0] - baseline));
        } finally {
            http.stop(0);
        }
    }

    private static long openDescriptors() throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
