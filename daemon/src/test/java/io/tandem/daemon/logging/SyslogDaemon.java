package io.tandem.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real rsyslogd (Debian's rsyslog package) run by a test: it listens on a Unix datagram socket
 * of its own (not {@code /dev/log}) and writes every message it parsed, one per line, as
 * {@code FACILITY SEVERITY PROGRAM PID MESSAGE}. Ended by PID on {@link #close}.
 */
final class SyslogDaemon implements AutoCloseable {
    static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");

    private final Process process;
    private final Path socket;
    private final Path received;

    private SyslogDaemon(Process process, Path socket, Path received) {
        this.process = process;
        this.socket = socket;
        this.received = received;
    }

    static SyslogDaemon start(Path dir) throws IOException {
        assertTrue(Files.isExecutable(RSYSLOGD), RSYSLOGD + " is missing: install Debian's rsyslog (scripts/prerequisites.sh)");
        Path socket = dir.resolve("log");
        Path received = dir.resolve("received.log");
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, String.join("\n",
                "global(workDirectory=\"" + dir + "\")",
                "module(load=\"imuxsock\" SysSock.Use=\"off\")",
                "input(type=\"imuxsock\" Socket=\"" + socket + "\" RateLimit.Interval=\"0\")",
                "template(name=\"fields\" type=\"string\" string=\"%syslogfacility-text% %syslogseverity-text% "
                        + "%programname% %procid%%msg%\\n\")",
                "*.* action(type=\"omfile\" file=\"" + received + "\" template=\"fields\")",
                ""));
        Process p = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", conf.toString(), "-i",
                dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyslogd.out").toFile())
                .start();
        SyslogDaemon daemon = new SyslogDaemon(p, socket, received);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket) || !p.isAlive());
            assertTrue(p.isAlive(), "rsyslogd exited: " + Files.readString(dir.resolve("rsyslogd.out")));
        } catch (RuntimeException | Error e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    Path socket() {
        return socket;
    }

    /** The messages received so far, one line each. */
    List<String> lines() throws IOException {
        return Files.exists(received) ? Files.readAllLines(received) : List.of();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
