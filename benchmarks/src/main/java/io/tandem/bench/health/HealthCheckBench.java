package io.tandem.bench.health;

import io.tandem.health.CheckDefinition;
import io.tandem.health.CheckType;
import io.tandem.health.CheckedServer;
import io.tandem.health.HealthMonitor;
import io.tandem.health.ProbeSet;
import io.tandem.health.Service;
import io.tandem.health.ServerStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many real servers one checking process keeps up with: {@code SERVERS} real servers on
 * loopback (half checked with a TCP connect, half with an HTTP GET, every {@code INTERVAL_MS}),
 * served by {@link LoopbackFleet} in one child JVM per address, checked by a {@link HealthMonitor} for
 * {@code SECONDS} after a warm-up of 20 s (system property {@code warmup}, seconds). Reports the checking process's CPU (cores, from
 * {@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime}), the server's CPU, check
 * latency percentiles, start lateness, and checks per server (every server must have been checked
 * once per interval: none starved).
 *
 * <p>Usage: {@code HealthCheckBench [SERVERS=10000] [SECONDS=30] [INTERVAL_MS=1000] [mixed|connect|http]}
 */
public final class HealthCheckBench {
    private static final int FIRST_PORT = 20000;
    /** Before measuring: the JIT compiles the hot paths (C2 competes for the CPU for many seconds). */
    private static final long WARMUP_SECONDS = Long.getLong("warmup", 20);
    /** Latency histogram: 10 us buckets up to 2 s. */
    private static final long BUCKET_NANOS = 10_000;
    private static final int BUCKETS = 200_000;

    private HealthCheckBench() {
    }

    public static void main(String[] args) throws Exception {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        long intervalMillis = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        String mode = args.length > 3 ? args[3] : "mixed";
        List<String> addresses = List.of("127.0.0.1", "127.0.0.2");
        int portsPerAddress = (servers + addresses.size() - 1) / addresses.size();
        if (FIRST_PORT + portsPerAddress > 65535) {
            throw new IllegalArgumentException("SERVERS=" + servers + " needs more than the ports 20000..65535 of "
                    + addresses.size() + " addresses");
        }
        // one fleet process per address: each holds its listeners and the connections being served
        // under its own descriptor limit (10,000 listeners in one process leave too few for those)
        List<Process> fleet = new ArrayList<>();
        try {
            for (String address : addresses) {
                fleet.add(new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                        LoopbackFleet.class.getName(), String.valueOf(FIRST_PORT), String.valueOf(portsPerAddress),
                        address).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            for (Process p : fleet) {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
                String ready = out.readLine();
                if (ready == null || !ready.startsWith("READY")) {
                    throw new IllegalStateException("loopback fleet did not start: " + ready);
                }
            }
            run(fleet, servers, seconds, intervalMillis, addresses, portsPerAddress, mode);
        } finally {
            for (Process p : fleet) {
                p.getOutputStream().close();
            }
            for (Process p : fleet) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static void run(List<Process> fleet, int count, int seconds, long intervalMillis, List<String> addresses,
            int portsPerAddress, String mode) throws Exception {
        List<CheckedServer> servers = new ArrayList<>(count);
        Map<CheckedServer, Integer> index = new IdentityHashMap<>();
        Duration interval = Duration.ofMillis(intervalMillis);
        CheckDefinition connect = CheckDefinition.builder(CheckType.CONNECT, Service.NONE).interval(interval)
                .timeout(interval).build();
        CheckDefinition http = CheckDefinition.builder(CheckType.NEGOTIATE, Service.HTTP).request("/health")
                .receive("ok").interval(interval).timeout(interval).build();
        InetSocketAddress vip = new InetSocketAddress(InetAddress.getByName("198.51.100.10"), 80);
        for (int i = 0; i < count; i++) {
            InetAddress a = InetAddress.getByName(addresses.get(i / portsPerAddress));
            int port = FIRST_PORT + i % portsPerAddress;
            CheckedServer s = CheckedServer.tcp(vip, new InetSocketAddress(a, port),
                    mode.equals("connect") || mode.equals("mixed") && i % 2 == 0 ? connect : http);
            servers.add(s);
            index.put(s, i);
        }
        int[] checks = new int[count];
        int[] failures = new int[count];
        long[] latency = new long[BUCKETS];
        long[] lateness = new long[BUCKETS];
        AtomicBoolean measuring = new AtomicBoolean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (ProbeSet probes = new ProbeSet(Integer.getInteger("loops", ProbeSet.DEFAULT_EVENT_LOOP_THREADS), 4, null);
             HealthMonitor monitor = new HealthMonitor((s, up, reason) -> { }, System::nanoTime, probes,
                     (s, ok, latencyNanos, lateNanos) -> {
                         if (!measuring.get()) {
                             return;
                         }
                         int i = index.get(s);
                         checks[i]++;
                         if (!ok) {
                             failures[i]++;
                         }
                         latency[(int) Math.min(BUCKETS - 1, latencyNanos / BUCKET_NANOS)]++;
                         lateness[(int) Math.min(BUCKETS - 1, Math.max(0, lateNanos) / BUCKET_NANOS)]++;
                     })) {
            monitor.start();
            monitor.update(servers);
            Thread.sleep(TimeUnit.SECONDS.toMillis(WARMUP_SECONDS));
            long threadsCpu0 = checkerThreadsCpu();
            long cpu0 = os.getProcessCpuTime();
            long fleetCpu0 = fleetCpu(fleet);
            long t0 = System.nanoTime();
            measuring.set(true);
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            measuring.set(false);
            long wall = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            long threadsCpu = checkerThreadsCpu() - threadsCpu0;
            long fleetCpu = fleetCpu(fleet) - fleetCpu0;
            List<ServerStatus> snapshot = monitor.snapshot();
            long up = snapshot.stream().filter(ServerStatus::up).count();
            System.out.printf("transport=%s event loops=%d maxInFlight=%d descriptor limit=%d%n",
                    ProbeSet.epoll() ? "epoll" : "nio", Integer.getInteger("loops", ProbeSet.DEFAULT_EVENT_LOOP_THREADS),
                    probes.maxInFlight(), ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount());
            CheckType[] kinds = new CheckType[count];
            for (int i = 0; i < count; i++) {
                kinds[i] = servers.get(i).check().type();
            }
            report(count, seconds, intervalMillis, wall, cpu, threadsCpu, fleetCpu, checks, failures, kinds, latency,
                    lateness, up);
            snapshot.stream().filter(st -> Boolean.FALSE.equals(st.lastOk())).limit(3)
                    .forEach(st -> System.out.println("e.g. failed: " + st.lastReason()));
        }
    }

    /** CPU time of the monitor's thread and the probes' event loop (the checker without JIT and GC). */
    private static long checkerThreadsCpu() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("tandem-health")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static long fleetCpu(List<Process> fleet) {
        long sum = 0;
        for (Process p : fleet) {
            sum += p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
        return sum;
    }

    private static void report(int count, int seconds, long intervalMillis, long wall, long cpu, long threadsCpu,
            long fleetCpu,
            int[] checks, int[] failures, CheckType[] kinds, long[] latency, long[] lateness, long up) {
        long total = 0;
        long failed = 0;
        long failedConnect = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        int starved = 0;
        long expected = TimeUnit.SECONDS.toMillis(seconds) / intervalMillis;
        for (int i = 0; i < checks.length; i++) {
            total += checks[i];
            failed += failures[i];
            if (kinds[i] == CheckType.CONNECT) {
                failedConnect += failures[i];
            }
            min = Math.min(min, checks[i]);
            max = Math.max(max, checks[i]);
            if (checks[i] < expected - 1) {
                starved++;
            }
        }
        System.out.printf("servers=%d interval=%d ms window=%.1f s%n", count, intervalMillis, wall / 1e9);
        System.out.printf("checks=%d (%.0f/s) failed=%d (connect %d, http %d); servers up at the end=%d%n", total,
                total / (wall / 1e9), failed, failedConnect, failed - failedConnect, up);
        System.out.printf("checks per server: min=%d max=%d expected=%d; servers checked fewer than %d times: %d%n",
                min, max, expected, expected - 1, starved);
        System.out.printf("checker CPU: %.3f cores (%.1f s CPU in %.1f s), of which its threads %.3f cores;"
                + " server CPU: %.3f cores%n", cpu / (double) wall, cpu / 1e9, wall / 1e9, threadsCpu / (double) wall,
                fleetCpu / (double) wall);
        System.out.printf("check latency: p50=%s p99=%s p99.9=%s max=%s%n", pct(latency, 0.50), pct(latency, 0.99),
                pct(latency, 0.999), pct(latency, 1.0));
        System.out.printf("start lateness: p50=%s p99=%s max=%s%n", pct(lateness, 0.50), pct(lateness, 0.99),
                pct(lateness, 1.0));
    }

    private static String pct(long[] histogram, double q) {
        long n = 0;
        for (long c : histogram) {
            n += c;
        }
        long target = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= target) {
                return String.format("%.2f ms", (i + 1) * BUCKET_NANOS / 1e6);
            }
        }
        return "n/a";
    }
}
