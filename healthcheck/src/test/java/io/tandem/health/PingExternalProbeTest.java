package io.tandem.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.linux.NetnsLab;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ICMP checks between two network namespaces; external checks running real commands. */
class PingExternalProbeTest {
    @TempDir
    Path dir;

    @Test
    void shouldPingAHostThatAnswersAndFailOneThatIsGone() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            String checker = lab.createNamespace();
            String host = lab.createNamespace();
            lab.addVethPair(checker, "hc0", host, "hc1");
            NetnsLab.ipIn(checker, "addr", "add", "198.51.100.1/24", "dev", "hc0");
            NetnsLab.ipIn(host, "addr", "add", "198.51.100.2/24", "dev", "hc1");
            try (ProbeSet probes = new ProbeSet(1, lab.executorIn(checker), null)) {
                CheckDefinition ping = CheckDefinition.builder(CheckType.PING, Service.NONE)
                        .timeout(Duration.ofSeconds(1)).build();
                CheckedServer target = CheckedServer.tcp(
                        new InetSocketAddress(InetAddress.getByName("198.51.100.10"), 80),
                        new InetSocketAddress(InetAddress.getByName("198.51.100.2"), 80), ping);
                ProbeRun.Result up = ProbeRun.run(probes, target, CheckType.PING, Duration.ofSeconds(1));
                assertTrue(up.ok(), up.reason());
                assertEquals("ping 198.51.100.2:80: echo reply", up.reason());
                NetnsLab.ipIn(host, "link", "set", "hc1", "down");
                ProbeRun.Result down = ProbeRun.run(probes, target, CheckType.PING, Duration.ofSeconds(1));
                assertFalse(down.ok());
                assertEquals("ping 198.51.100.2:80: no echo reply within 1000 ms", down.reason());
            }
        }
    }

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static ProbeRun.Result external(Path command, int port, Duration timeout) throws Exception {
        try (ProbeSet probes = new ProbeSet(1, 2, null)) {
            CheckDefinition def = CheckDefinition.builder(CheckType.EXTERNAL, Service.NONE)
                    .checkCommand(command.toString()).timeout(timeout).build();
            return ProbeRun.run(probes, Servers.at(port, def), CheckType.EXTERNAL, timeout);
        }
    }

    @Test
    void shouldRunTheCommandWithLdirectordsArguments() throws Exception {
        Path tcp = script("tcp-check", "exec 3<>\"/dev/tcp/$3/$4\" && echo \"$1:$2 -> $3:$4 open\"");
        try (ServerSocket listener = new ServerSocket(0, 5, Servers.LOOPBACK)) {
            int port = listener.getLocalPort();
            ProbeRun.Result up = external(tcp, port, Duration.ofSeconds(5));
            assertTrue(up.ok(), up.reason());
            assertEquals("external check 127.0.0.1:" + port + ": " + tcp + " exited with status 0 (127.0.0.1:80 -> 127.0.0.1:"
                    + port + " open)", up.reason());
        }
        int closed = Servers.closedPort();
        ProbeRun.Result down = external(tcp, closed, Duration.ofSeconds(5));
        assertFalse(down.ok());
        assertTrue(down.reason().contains("exited with status 1"), down.reason());
    }

    @Test
    void shouldFailOnANonZeroStatusAndKillACommandThatHangs() throws Exception {
        ProbeRun.Result degraded = external(script("degraded", "echo degraded; exit 2"), 80, Duration.ofSeconds(5));
        assertFalse(degraded.ok());
        assertTrue(degraded.reason().endsWith("exited with status 2 (degraded)"), degraded.reason());
        Path hang = script("hang", "sleep 30");
        ProbeRun.Result hung = external(hang, 80, Duration.ofMillis(500));
        assertFalse(hung.ok());
        assertTrue(hung.reason().endsWith(hang + " still running after 500 ms, killed"), hung.reason());
    }
}
