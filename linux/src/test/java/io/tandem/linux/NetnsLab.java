package io.tandem.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: network namespaces made with {@code ip netns add}, named
 * {@code tdm-t-<pid>-<n>} so parallel runs do not collide, deleted by {@link #close()} whatever
 * happened. Code that must run inside a namespace runs on a thread of the lab that entered it
 * ({@link #callIn}); sockets opened there stay in that namespace whichever thread uses them later.
 *
 * <p>Needs root; tests call {@link #isAvailable()} in an assumption.
 */
public final class NetnsLab implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_MS = 10_000;
    private static final long CALL_TIMEOUT_MS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> namespaces = new ArrayList<>();
    private final Map<String, ExecutorService> threads = new LinkedHashMap<>();
    /** Deletes the namespaces if the JVM is stopped (e.g. a surefire timeout) before close(). */
    private final Thread cleanupOnExit = new Thread(this::deleteNamespaces, "netns-lab-cleanup");
    private boolean cleanupRegistered;

    /** Whether this process may create namespaces: running as root with {@code ip} on the path. */
    public static boolean isAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.split("\\s+");
                    if (!ids[2].equals("0")) {
                        return false;
                    }
                }
            }
            return run(List.of("ip", "-V")).exitCode == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Creates a fresh namespace with its loopback up and returns its name. */
    public String createNamespace() {
        String name = "tdm-t-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        synchronized (this) {
            if (!cleanupRegistered) {
                Runtime.getRuntime().addShutdownHook(cleanupOnExit);
                cleanupRegistered = true;
            }
            ip("netns", "add", name);
            namespaces.add(name);
        }
        ipIn(name, "link", "set", "lo", "up");
        return name;
    }

    /**
     * Creates an Ethernet interface {@code ifName} in {@code ns} that is up with carrier: a veth
     * whose peer, {@code ifName + "p"}, stays in the same namespace (the test kernels have no
     * dummy driver). IPv6 autoconfiguration is off on both ends, so they carry no addresses and
     * send no frames of their own.
     */
    public void addLink(String ns, String ifName) {
        String peer = ifName + "p";
        ipIn(ns, "link", "add", ifName, "type", "veth", "peer", "name", peer);
        ipIn(ns, "link", "set", ifName, "addrgenmode", "none");
        ipIn(ns, "link", "set", peer, "addrgenmode", "none");
        ipIn(ns, "link", "set", peer, "up");
        ipIn(ns, "link", "set", ifName, "up");
    }

    /**
     * Creates a veth pair with one end, {@code ifA}, in {@code nsA} and the other, {@code ifB},
     * in {@code nsB}, both up, IPv6 autoconfiguration off so the link carries only test frames.
     */
    public void addVethPair(String nsA, String ifA, String nsB, String ifB) {
        ipIn(nsA, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        ipIn(nsA, "link", "set", ifA, "addrgenmode", "none");
        ipIn(nsB, "link", "set", ifB, "addrgenmode", "none");
        ipIn(nsA, "link", "set", ifA, "up");
        ipIn(nsB, "link", "set", ifB, "up");
    }

    /** Runs {@code ip args...} and returns its standard output; fails on a non-zero exit. */
    public static String ip(String... args) {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        Result result = run(command);
        if (result.exitCode != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + result.exitCode + ": "
                    + result.stderr.strip());
        }
        return result.stdout;
    }

    /** Runs {@code ip -n ns args...}. */
    public static String ipIn(String ns, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-n";
        all[1] = ns;
        System.arraycopy(args, 0, all, 2, args.length);
        return ip(all);
    }

    /** Runs {@code ip -n ns -j args...} and parses the JSON it prints. */
    public static JsonNode ipJson(String ns, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "-j";
        System.arraycopy(args, 0, all, 1, args.length);
        String out = ipIn(ns, all);
        try {
            return JSON.readTree(out.isBlank() ? "[]" : out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse ip -j output: " + out, e);
        }
    }

    /** The addresses {@code ip -j addr show dev ifName} lists in {@code ns}, as "addr/prefix". */
    public static List<String> addresses(String ns, String ifName) {
        List<String> result = new ArrayList<>();
        for (JsonNode link : ipJson(ns, "addr", "show", "dev", ifName)) {
            for (JsonNode info : link.path("addr_info")) {
                result.add(info.path("local").asText() + "/" + info.path("prefixlen").asInt());
            }
        }
        return result;
    }

    /** The {@code addr_info} object of {@code address} on {@code ifName}, or a missing node. */
    public static JsonNode addressInfo(String ns, String ifName, String address) {
        for (JsonNode link : ipJson(ns, "addr", "show", "dev", ifName)) {
            for (JsonNode info : link.path("addr_info")) {
                if (info.path("local").asText().equals(address)) {
                    return info;
                }
            }
        }
        return JSON.missingNode();
    }

    /** The link-layer address {@code ns} holds for neighbour {@code address}, or null. */
    public static String neighbourMac(String ns, String address) {
        for (JsonNode entry : ipJson(ns, "neigh", "show", address)) {
            if (entry.has("lladdr")) {
                return entry.path("lladdr").asText();
            }
        }
        return null;
    }

    /** The MAC of {@code ifName} in {@code ns} as ip prints it, e.g. {@code 02:00:00:00:00:01}. */
    public static String linkMac(String ns, String ifName) {
        return ipJson(ns, "link", "show", "dev", ifName).get(0).path("address").asText();
    }

    /** {@code 02:00:00:00:00:01} form of a MAC. */
    public static String macText(byte[] mac) {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    /** Parses {@code 02:00:00:00:00:01}. */
    public static byte[] macBytes(String text) {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    /** Runs {@code action} on this lab's thread inside {@code ns} and returns its result. */
    public <T> T callIn(String ns, Callable<T> action) throws Exception {
        Future<T> future = executorIn(ns).submit(action);
        try {
            return future.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        }
    }

    /** Runs {@code action} on this lab's thread inside {@code ns}. */
    public void runIn(String ns, ThrowingRunnable action) throws Exception {
        callIn(ns, () -> {
            action.run();
            return null;
        });
    }

    /** An action that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        /** Runs the action. */
        void run() throws Exception;
    }

    /** The single thread of this lab that lives in {@code ns}, created on first use. */
    public synchronized ExecutorService executorIn(String ns) throws Exception {
        ExecutorService existing = threads.get(ns);
        if (existing != null) {
            return existing;
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + ns);
            t.setDaemon(true);
            return t;
        });
        Future<Void> entered = executor.submit(() -> {
            NetNamespace.enter(ns);
            return null;
        });
        try {
            entered.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            executor.shutdownNow();
            throw (Exception) e.getCause();
        }
        threads.put(ns, executor);
        return executor;
    }

    /** Stops the lab's threads and deletes every namespace it created, even if some deletion fails. */
    @Override
    public synchronized void close() {
        for (ExecutorService executor : threads.values()) {
            executor.shutdownNow();
        }
        threads.clear();
        if (cleanupRegistered) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to; deleting twice is harmless.
            }
            cleanupRegistered = false;
        }
        List<String> failures = deleteNamespaces();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not delete namespaces " + failures);
        }
    }

    private synchronized List<String> deleteNamespaces() {
        List<String> failures = new ArrayList<>();
        for (String ns : namespaces) {
            Result result = run(List.of("ip", "netns", "del", ns));
            if (result.exitCode != 0) {
                failures.add(ns + ": " + result.stderr.strip());
            }
        }
        namespaces.clear();
        return failures;
    }

    private static final class Result {
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }

    private static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            CompletableFuture<String> stdout = readAsync(process.getInputStream());
            CompletableFuture<String> stderr = readAsync(process.getErrorStream());
            if (!process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in "
                        + COMMAND_TIMEOUT_MS + " ms");
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
