package io.tandem.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP and HTTPS checks against the JDK's HTTP server on loopback. */
class HttpProbeTest {
    private static ProbeSet probes;
    private static ProbeSet probesTrustingTestCert;
    private static HttpServer http;
    private static HttpsServer https;
    private static ExecutorService serverThreads;

    @BeforeAll
    static void startServers() throws Exception {
        probes = new ProbeSet(1, 2, null);
        probesTrustingTestCert = new ProbeSet(1, 2, TestTls.trust());
        serverThreads = Executors.newFixedThreadPool(2);
        http = HttpServer.create(new InetSocketAddress(Servers.LOOPBACK, 0), 50);
        https = HttpsServer.create(new InetSocketAddress(Servers.LOOPBACK, 0), 50);
        https.setHttpsConfigurator(new HttpsConfigurator(TestTls.serverContext()));
        for (HttpServer s : new HttpServer[] {http, https}) {
            s.createContext("/", HttpProbeTest::handle);
            s.setExecutor(serverThreads);
            s.start();
        }
    }

    @AfterAll
    static void stopServers() {
        http.stop(0);
        https.stop(0);
        serverThreads.shutdownNow();
        probes.close();
        probesTrustingTestCert.close();
    }

    private static void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String host = ex.getRequestHeaders().getFirst("Host");
        int status;
        String body;
        switch (path) {
            case "/health" -> { status = 200; body = "status: healthy\n"; }
            case "/sick" -> { status = 503; body = "down for maintenance\n"; }
            case "/degraded" -> { status = 200; body = "status: degraded\n"; }
            case "/vhost" -> {
                status = "www.example.test".equals(host) ? 200 : 404;
                body = "host " + host + "\n";
            }
            default -> { status = 404; body = "no such page\n"; }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    private static CheckDefinition.Builder get(Service service, String path) {
        return CheckDefinition.builder(CheckType.NEGOTIATE, service).request(path).timeout(Duration.ofSeconds(5));
    }

    private static ProbeRun.Result check(ProbeSet set, int port, CheckDefinition check) throws Exception {
        return ProbeRun.negotiate(set, Servers.at(port, check));
    }

    private static int httpPort() {
        return http.getAddress().getPort();
    }

    private static int httpsPort() {
        return https.getAddress().getPort();
    }

    @Test
    void shouldBeUpOn2xxWithAMatchingBody() throws Exception {
        ProbeRun.Result r = check(probes, httpPort(), get(Service.HTTP, "/health").receive("status: heal.hy").build());
        assertTrue(r.ok(), r.reason());
        assertEquals("http 127.0.0.1:" + httpPort() + ": HTTP 200", r.reason());
    }

    @Test
    void shouldAcceptAFullUrlAsRequest() throws Exception {
        ProbeRun.Result r = check(probes, httpPort(),
                get(Service.HTTP, "http://ignored.example/health").receive("healthy").build());
        assertTrue(r.ok(), r.reason());
    }

    @Test
    void shouldBeDownOnAnErrorStatus() throws Exception {
        ProbeRun.Result r = check(probes, httpPort(), get(Service.HTTP, "/sick").build());
        assertFalse(r.ok());
        assertEquals("http 127.0.0.1:" + httpPort() + ": HTTP 503, expected 2xx", r.reason());
    }

    @Test
    void shouldHonourAnExpectedStatus() throws Exception {
        assertTrue(check(probes, httpPort(), get(Service.HTTP, "/sick").expectedStatus(503).build()).ok());
        ProbeRun.Result r = check(probes, httpPort(), get(Service.HTTP, "/health").expectedStatus(204).build());
        assertFalse(r.ok());
        assertTrue(r.reason().endsWith("HTTP 200, expected 204"), r.reason());
    }

    @Test
    void shouldBeDownWhenTheBodyDoesNotMatchReceive() throws Exception {
        ProbeRun.Result r = check(probes, httpPort(), get(Service.HTTP, "/degraded").receive("healthy").build());
        assertFalse(r.ok());
        assertTrue(r.reason().endsWith("HTTP 200 but the body does not match receive=\"healthy\""), r.reason());
    }

    @Test
    void shouldIgnoreReceiveForHead() throws Exception {
        ProbeRun.Result r = check(probes, httpPort(),
                get(Service.HTTP, "/degraded").receive("healthy").httpMethod("HEAD").build());
        assertTrue(r.ok(), r.reason());
    }

    @Test
    void shouldSendTheVirtualHost() throws Exception {
        assertFalse(check(probes, httpPort(), get(Service.HTTP, "/vhost").build()).ok());
        ProbeRun.Result r = check(probes, httpPort(), get(Service.HTTP, "/vhost").virtualhost("www.example.test").build());
        assertTrue(r.ok(), r.reason());
    }

    @Test
    void shouldBeDownWhenRefused() throws Exception {
        int port = Servers.closedPort();
        ProbeRun.Result r = check(probes, port, get(Service.HTTP, "/").build());
        assertFalse(r.ok());
        assertEquals("http 127.0.0.1:" + port + ": connection refused", r.reason());
    }

    @Test
    void shouldBeDownWhenThePeerDoesNotSpeakHttp() throws Exception {
        try (ServerSocket ssh = new ServerSocket(0, 5, Servers.LOOPBACK)) {
            Thread t = new Thread(() -> {
                try (Socket s = ssh.accept()) {
                    s.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the test fails on the check's result, not here
                }
            });
            t.start();
            ProbeRun.Result r = check(probes, ssh.getLocalPort(), get(Service.HTTP, "/").build());
            t.join(5_000);
            assertFalse(r.ok(), r.reason());
        }
    }

    @Test
    void shouldCheckHttpsWithoutVerifyingByDefault() throws Exception {
        ProbeRun.Result r = check(probes, httpsPort(), get(Service.HTTPS, "/health").receive("healthy").build());
        assertTrue(r.ok(), r.reason());
        assertEquals("https 127.0.0.1:" + httpsPort() + ": HTTP 200", r.reason());
    }

    @Test
    void shouldRejectAnUntrustedCertificateWhenVerifying() throws Exception {
        ProbeRun.Result r = check(probes, httpsPort(), get(Service.HTTPS, "/health").verifyTls(true).build());
        assertFalse(r.ok());
        assertTrue(r.reason().contains("TLS"), r.reason());
    }

    @Test
    void shouldAcceptATrustedCertificateWhenVerifying() throws Exception {
        ProbeRun.Result r = check(probesTrustingTestCert, httpsPort(),
                get(Service.HTTPS, "/health").verifyTls(true).build());
        assertTrue(r.ok(), r.reason());
    }

    @Test
    void shouldRejectACertificateForAnotherNameWhenVerifying() throws Exception {
        ProbeRun.Result r = check(probesTrustingTestCert, httpsPort(),
                get(Service.HTTPS, "/vhost").virtualhost("www.example.test").verifyTls(true).build());
        assertFalse(r.ok());
        assertTrue(r.reason().contains("TLS"), r.reason());
    }

    @Test
    void shouldBeDownWhenHttpsIsSpokenToAPlainServer() throws Exception {
        ProbeRun.Result r = check(probes, httpPort(), get(Service.HTTPS, "/health").timeout(Duration.ofSeconds(2)).build());
        assertFalse(r.ok(), r.reason());
    }
}
