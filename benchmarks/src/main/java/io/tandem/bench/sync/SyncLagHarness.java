package io.tandem.bench.sync;

import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import io.tandem.director.ForwardingEngine;
import io.tandem.director.IpAddresses;
import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.conn.ConnectionTable;
import io.tandem.director.conn.ConnectionTimeouts;
import io.tandem.director.conn.TcpStates;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import io.tandem.linux.NetNamespace;
import io.tandem.sync.ConnectionSync;
import io.tandem.sync.EngineLoop;
import io.tandem.sync.SyncConfig;
import io.tandem.sync.SyncCounters;
import io.tandem.sync.SyncCounters.Counter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How many new connections a second the sync keeps up with, and its lag: two directors' engines
 * in one JVM (one clock), the active one admitting {@code rate} new TCP connections a second
 * (SYN through its {@link ForwardingEngine}, spread over 1 ms steps) with its sync ticked every
 * 10 ms as the forwarder ticks it, the standby applying on an {@link EngineLoop} ticking every
 * 10 ms. Lag = the standby's apply time minus the active's creation time of each connection;
 * reported as p50, p99, max, with bytes on the wire per entry. Run as
 * {@code scripts/bench-sync [RATE=50000] [SECONDS=10] [loopback|loss]}: {@code loss} puts each
 * director in a network namespace over a veth pair with nftables dropping one sync datagram in
 * ten both ways (needs root; namespaces are deleted at the end, also on failure).
 */
public final class SyncLagHarness {
    private static final long TICK_NS = 10_000_000L;
    private static final long STEP_NS = 1_000_000L;
    private static final long CLIENT_BASE = 0x0A00_0000L;
    private static final int PORTS = 60_000;
    private static final InetAddress VIP = address("198.51.100.10");

    private final String prefix = "tdm-bench-sync-" + ProcessHandle.current().pid() + "-";
    private final List<String> namespaces = new ArrayList<>();

    private SyncLagHarness() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        boolean loss = args.length > 2 && args[2].equals("loss");
        if (rate < 1 || rate > 1_000_000 || seconds < 1 || seconds > 120) {
            throw new IllegalArgumentException("rate=" + rate + " must be in [1, 1000000] and seconds=" + seconds
                    + " in [1, 120]");
        }
        SyncLagHarness h = new SyncLagHarness();
        try {
            h.run(rate, seconds, loss);
        } finally {
            h.deleteNamespaces();
        }
    }

    private void run(int rate, int seconds, boolean loss) throws Exception {
        int total = rate * seconds;
        int capacity = Integer.highestOneBit(total * 2 - 1) << 1;
        long[] createdNs = new long[total];
        long[] lagNs = new long[total];
        int[] applied = new int[1];
        AuthKeys keys = new AuthKeys(1, Map.of(1, new AuthKey(1, AuthAlgorithm.SHA256,
                "bench-secret".getBytes(StandardCharsets.UTF_8))));
        ForwardingEngine active = engine(capacity);
        ForwardingEngine standby = engine(capacity);
        InetSocketAddress onActive;
        InetSocketAddress onStandby;
        String nsActive = null;
        String nsStandby = null;
        if (loss) {
            nsActive = namespace("a");
            nsStandby = namespace("b");
            ip("-n", nsActive, "link", "add", "s0", "type", "veth", "peer", "name", "s1", "netns", nsStandby);
            ip("-n", nsActive, "addr", "add", "198.51.100.1/24", "dev", "s0");
            ip("-n", nsStandby, "addr", "add", "198.51.100.2/24", "dev", "s1");
            ip("-n", nsActive, "link", "set", "s0", "up");
            ip("-n", nsStandby, "link", "set", "s1", "up");
            dropOneInTen(nsActive);
            dropOneInTen(nsStandby);
            onActive = new InetSocketAddress(address("198.51.100.1"), 8848);
            onStandby = new InetSocketAddress(address("198.51.100.2"), 8848);
        } else {
            onActive = new InetSocketAddress("127.0.0.1", 18848);
            onStandby = new InetSocketAddress("127.0.0.1", 18849);
        }
        SyncConfig activeConfig = SyncConfig.of(onActive, onStandby, 1);
        SyncConfig standbyConfig = SyncConfig.of(onStandby, onActive, 1);
        ConnectionSync activeSync = in(nsActive, () -> new ConnectionSync(activeConfig, keys, active, System::nanoTime,
                null));
        ConnectionSync standbySync = in(nsStandby, () -> new ConnectionSync(standbyConfig, keys, standby,
                System::nanoTime, (table, e, nowNs) -> {
                    int i = index(table, e);
                    if (i >= 0 && i < total && lagNs[i] == 0) {
                        lagNs[i] = nowNs - createdNs[i];
                        applied[0]++;
                    }
                }));
        EngineLoop standbyLoop = new EngineLoop(standby, System::nanoTime, TICK_NS, "standby-engine");
        standbyLoop.setTickListener(standbySync::onTick);
        try {
            standbyLoop.start();
            standbySync.start();
            activeSync.start();
            long syncDeadline = System.nanoTime() + 10_000_000_000L;
            while (!standbySync.isSynchronised()) {
                if (System.nanoTime() - syncDeadline > 0) {
                    throw new IllegalStateException("standby did not get the (empty) dump within 10 s");
                }
                activeSync.onTick(System.nanoTime());
                LockSupport.parkNanos(TICK_NS);
            }
            long startNs = System.nanoTime();
            long nextTickNs = startNs;
            int created = 0;
            long vip = IpAddresses.low(VIP);
            while (created < total) {
                long now = System.nanoTime();
                long due = Math.min(total, (now - startNs) * rate / 1_000_000_000L);
                for (; created < due; created++) {
                    createdNs[created] = System.nanoTime();
                    active.onClientPacket(6, 0, IpAddresses.ipv4Low((int) (CLIENT_BASE + created / PORTS)),
                            1024 + created % PORTS, 0, vip, 80, TcpStates.SYN, 60, createdNs[created]);
                }
                if (now - nextTickNs >= 0) {
                    active.onTimer(now);
                    activeSync.onTick(now);
                    nextTickNs = now + TICK_NS;
                }
                LockSupport.parkNanos(STEP_NS);
            }
            long generationNs = System.nanoTime() - startNs;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() - deadline < 0) {
                long now = System.nanoTime();
                active.onTimer(now);
                activeSync.onTick(now);
                if (activeSync.counters().unackedDatagrams() == 0 && sizeOf(standbyLoop, standby) >= total) {
                    break;
                }
                LockSupport.parkNanos(TICK_NS);
            }
            int got = sizeOf(standbyLoop, standby);
            report(rate, seconds, loss, total, got, generationNs, lagNs, activeSync.counters(),
                    standbySync.counters());
        } finally {
            standbyLoop.close();
            standbySync.close();
            activeSync.close();
        }
    }

    private static int sizeOf(EngineLoop loop, ForwardingEngine engine) throws Exception {
        java.util.concurrent.CompletableFuture<Integer> f = new java.util.concurrent.CompletableFuture<>();
        loop.execute(e -> f.complete(e.connections().size()));
        return f.get(10, TimeUnit.SECONDS);
    }

    private static int index(ConnectionTable table, int e) {
        if (table.isTemplate(e)) {
            return -1;
        }
        long client = (table.clientLow(e) & 0xFFFF_FFFFL) - CLIENT_BASE;
        return (int) (client * PORTS + table.clientPort(e) - 1024);
    }

    private static void report(int rate, int seconds, boolean loss, int total, int got, long generationNs,
            long[] lagNs, SyncCounters sent, SyncCounters received) {
        long[] lags = Arrays.stream(lagNs).filter(l -> l > 0).sorted().toArray();
        double perEntry = (sent.get(Counter.BYTES_SENT) + 28.0 * sent.get(Counter.DATAGRAMS_SENT))
                / Math.max(1, sent.get(Counter.ENTRIES_SENT));
        double payloadPerEntry = (double) sent.get(Counter.BYTES_SENT) / Math.max(1, sent.get(Counter.ENTRIES_SENT));
        System.out.printf("sync %s: %,d new connections/s for %d s (generated in %.2f s): %,d of %,d on the standby%n",
                loss ? "over veth with 10% loss each way" : "over loopback", rate, seconds, generationNs / 1e9, got,
                total);
        if (lags.length > 0) {
            System.out.printf("lag ms: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%,d samples)%n",
                    lags[lags.length / 2] / 1e6, lags[(int) (lags.length * 0.99)] / 1e6,
                    lags[(int) (lags.length * 0.999)] / 1e6, lags[lags.length - 1] / 1e6, lags.length);
        }
        System.out.printf("wire: %.1f bytes/entry in UDP payload, %.1f with IPv4+UDP headers (%,d datagrams)%n",
                payloadPerEntry, perEntry, sent.get(Counter.DATAGRAMS_SENT));
        System.out.printf("repair: resends %,d, resend misses %,d, dumps %,d, gaps %,d, nacks %,d, skipped %,d%n",
                sent.get(Counter.RESENDS), sent.get(Counter.RESEND_MISSES), sent.get(Counter.BULK_DUMPS),
                received.get(Counter.GAPS), received.get(Counter.NACKS_SENT), received.get(Counter.GAPS_SKIPPED));
    }

    private static ForwardingEngine engine(int capacity) {
        List<RealServer> servers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            servers.add(RealServer.of(address("198.51.100." + (21 + i)), 1));
        }
        VirtualService web = VirtualService.of(Protocol.TCP, VIP, 80, SchedulerSpec.of(SchedulerName.WLC), servers);
        return new ForwardingEngine(new ServiceTable(List.of(web)), capacity, ConnectionTimeouts.IPVS_DEFAULTS,
                System.nanoTime());
    }

    private <T> T in(String ns, Callable<T> action) throws Exception {
        if (ns == null) {
            return action.call();
        }
        ExecutorService e = Executors.newSingleThreadExecutor();
        try {
            return e.submit(() -> {
                NetNamespace.enter(ns);
                return action.call();
            }).get(30, TimeUnit.SECONDS);
        } finally {
            e.shutdownNow();
        }
    }

    private String namespace(String suffix) {
        String n = prefix + suffix;
        ip("netns", "add", n);
        namespaces.add(n);
        ip("-n", n, "link", "set", "lo", "up");
        return n;
    }

    private static void dropOneInTen(String ns) throws IOException, InterruptedException {
        Path rules = Files.createTempFile("tandem-bench-sync", ".nft");
        try {
            Files.writeString(rules, "table inet tandem_sync_loss {\n chain out {\n"
                    + "  type filter hook output priority 0; policy accept;\n"
                    + "  udp dport 8848 numgen random mod 10 == 0 drop\n }\n}\n", StandardCharsets.US_ASCII);
            run(List.of("ip", "netns", "exec", ns, "nft", "-f", rules.toString()));
        } finally {
            Files.deleteIfExists(rules);
        }
    }

    private void deleteNamespaces() {
        for (String n : namespaces) {
            try {
                ip("netns", "del", n);
            } catch (RuntimeException e) {
                System.err.println("could not delete namespace " + n + ": " + e.getMessage());
            }
        }
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        try {
            run(command);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 10 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out.strip());
        }
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
