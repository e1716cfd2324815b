package io.tandem.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ConnectProbeTest {
    private static final ProbeSet PROBES = new ProbeSet(1, 2, null);
    private static final CheckDefinition CONNECT = CheckDefinition.builder(CheckType.CONNECT, Service.NONE)
            .timeout(Duration.ofSeconds(2)).build();

    @AfterAll
    static void close() {
        PROBES.close();
    }

    @Test
    void shouldBeUpWhenTheHandshakeCompletes() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, Servers.LOOPBACK)) {
            ProbeRun.Result r = ProbeRun.run(PROBES, Servers.at(listener.getLocalPort(), CONNECT), CheckType.CONNECT,
                    Duration.ofSeconds(2));
            assertTrue(r.ok(), r.reason());
            assertEquals("connect 127.0.0.1:" + listener.getLocalPort() + ": connected", r.reason());
        }
    }

    @Test
    void shouldBeDownWhenRefused() throws Exception {
        int port = Servers.closedPort();
        ProbeRun.Result r = ProbeRun.run(PROBES, Servers.at(port, CONNECT), CheckType.CONNECT, Duration.ofSeconds(2));
        assertFalse(r.ok());
        assertEquals("connect 127.0.0.1:" + port + ": connection refused", r.reason());
    }

    @Test
    void shouldUseCheckportInsteadOfTheRealPort() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, Servers.LOOPBACK)) {
            CheckDefinition viaCheckport = CONNECT.toBuilder().checkPort(listener.getLocalPort()).build();
            ProbeRun.Result r = ProbeRun.run(PROBES, Servers.at(Servers.closedPort(), viaCheckport), CheckType.CONNECT,
                    Duration.ofSeconds(2));
            assertTrue(r.ok(), r.reason());
        }
    }

    @Test
    void shouldBeUpOnAUdpPortThatIsOpen() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, Servers.LOOPBACK)) {
            ProbeRun.Result r = ProbeRun.run(PROBES, Servers.udpAt(server.getLocalPort(), CONNECT), CheckType.CONNECT,
                    Duration.ofSeconds(2));
            assertTrue(r.ok(), r.reason());
            assertTrue(r.reason().startsWith("udp connect 127.0.0.1:"), r.reason());
        }
    }

    @Test
    void shouldBeDownOnAUdpPortThatAnswersPortUnreachable() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, Servers.LOOPBACK)) {
            port = s.getLocalPort();
        }
        ProbeRun.Result r = ProbeRun.run(PROBES, Servers.udpAt(port, CONNECT), CheckType.CONNECT, Duration.ofSeconds(2));
        assertFalse(r.ok(), r.reason());
        assertEquals("udp connect 127.0.0.1:" + port + ": port unreachable", r.reason());
    }
}
