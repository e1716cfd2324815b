package io.tandem.health;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test fixture: a server from Debian's packages (PostgreSQL, MariaDB, dnsmasq, FreeRADIUS, sipp,
 * JamNNTPd) started on loopback on a free port with its files in a temporary directory,
 * optionally as an unprivileged user (setpriv, so the PID is the server's), and stopped by PID.
 * A missing binary fails the test: scripts/prerequisites.sh installs them.
 */
final class NativeServer implements AutoCloseable {
    private static final List<String> PATH = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin",
            "/usr/local/bin");

    final String name;
    final Path dir;
    final Process process;
    final Path log;

    private NativeServer(String name, Path dir, Process process, Path log) {
        this.name = name;
        this.dir = dir;
        this.process = process;
        this.log = log;
    }

    /** The path of {@code binary}; fails the test, naming the package, if it is not installed. */
    static String binary(String binary, String debianPackage) {
        List<Path> candidates = new ArrayList<>();
        for (String d : PATH) {
            candidates.add(Path.of(d, binary));
        }
        try (Stream<Path> pg = Files.isDirectory(Path.of("/usr/lib/postgresql")) ? Files.list(Path.of("/usr/lib/postgresql"))
                : Stream.empty()) {
            pg.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin").resolve(binary)));
        } catch (IOException e) {
            throw new AssertionError("cannot list /usr/lib/postgresql", e);
        }
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(binary + " is not installed; scripts/prerequisites.sh installs it (apt-get install "
                + debianPackage + ")");
    }

    /** A new temporary directory that {@code user} (or root, if null) owns and others may traverse. */
    static Path workDir(String prefix, String user) throws Exception {
        Path dir = Files.createTempDirectory("tandem-" + prefix);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        if (user != null) {
            run(List.of("chown", user, dir.toString()));
        }
        return dir;
    }

    /** Runs a setup command to completion (60 s at most), failing the test with its output if it fails. */
    static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed: " + new String(out));
        }
    }

    /** {@code command} prefixed so that it runs as {@code user} (same PID). */
    static List<String> as(String user, List<String> command) {
        if (user == null) {
            return command;
        }
        List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user.split(":")[0],
                "--init-groups", "--"));
        if (user.contains(":")) {
            all.set(2, "--regid=" + user.split(":")[1]);
        }
        all.addAll(command);
        return all;
    }

    /**
     * Starts {@code command} in {@code dir} and waits (30 s at most) until something listens on
     * 127.0.0.1:{@code port} (TCP LISTEN, or a bound UDP socket).
     */
    static NativeServer start(String name, Path dir, List<String> command, int port, boolean udp) throws Exception {
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        NativeServer server = new NativeServer(name, dir, p, log);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new AssertionError(name + " exited with " + p.exitValue() + ": " + server.output());
                        }
                        return listening(port, udp);
                    });
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    String output() {
        try {
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Whether 127.0.0.1:port is bound (UDP) or listening (TCP), read from /proc/net. */
    static boolean listening(int port, boolean udp) throws IOException {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        String any = String.format(Locale.ROOT, "00000000:%04X", port);
        for (String line : Files.readAllLines(Path.of(udp ? "/proc/net/udp" : "/proc/net/tcp"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && (f[1].equals(local) || f[1].equals(any)) && (udp || f[3].equals("0A"))) {
                return true;
            }
        }
        return false;
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, Servers.LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /** Stops the server by PID (TERM, then KILL after 10 s) and deletes its directory. */
    @Override
    public void close() {
        ProcessHandle h = process.toHandle();
        List<ProcessHandle> children = h.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        deleteTree(dir);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless; the test result stands
        }
    }
}
