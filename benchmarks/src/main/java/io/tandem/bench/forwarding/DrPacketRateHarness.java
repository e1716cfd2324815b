package io.tandem.bench.forwarding;

import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.forward.Forwarder;
import io.tandem.director.forward.ForwarderConfig;
import io.tandem.director.packet.Checksums;
import io.tandem.director.packet.EthernetFrame;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import io.tandem.linux.NetNamespace;
import io.tandem.linux.PacketRing;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packets per second forwarded in DR mode: Tandem's user-space forwarder against the kernel
 * doing the same rewrite (nftables netdev ingress: {@code ether daddr set RS fwd to eth0}), in
 * the same namespace lab. Needs root; run as
 * {@code java -cp benchmarks/target/tandem-benchmarks.jar io.tandem.bench.forwarding.DrPacketRateHarness [seconds]}.
 *
 * <pre>
 *  client (blaster: 64-byte UDP frames out of a packet socket, 1024 flows, bounded count and time)
 *     └── br0 ── director (Tandem forwarder | nft netdev fwd) ── br0 ── rs (nft counter, drop)
 * </pre>
 *
 * The figure is the ratio of the rates counted at the real server. Traffic stays inside the
 * namespaces it creates (198.51.100.0/24), which are deleted at the end, also on failure.
 */
public final class DrPacketRateHarness {
    private static final String VIP = "198.51.100.10";
    private static final long CLIENT_MAC = 0x02_00_00_00_0B_01L;
    private static final long DIRECTOR_MAC = 0x02_00_00_00_0B_03L;
    private static final long RS_MAC = 0x02_00_00_00_0B_21L;
    private static final int PORT = 9000;
    private static final int FLOWS = 1024;
    private static final long MAX_FRAMES = 50_000_000L;
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+)");

    private enum Mode { KERNEL, TANDEM_SENDTO, TANDEM_TX_RING }

    private final String prefix = "tdm-bench-" + ProcessHandle.current().pid() + "-";
    private final List<String> namespaces = new ArrayList<>();

    private DrPacketRateHarness() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if (seconds < 1 || seconds > 60) {
            throw new IllegalArgumentException("seconds=" + seconds + " must be in [1, 60]");
        }
        DrPacketRateHarness h = new DrPacketRateHarness();
        Thread cleanup = new Thread(h::deleteNamespaces);
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            h.build();
            double kernel = h.measure(Mode.KERNEL, seconds);
            double sendto = h.measure(Mode.TANDEM_SENDTO, seconds);
            double txRing = h.measure(Mode.TANDEM_TX_RING, seconds);
            System.out.printf("kernel nft fwd           : %,.0f pps received%n", kernel);
            System.out.printf("tandem, sendto per frame : %,.0f pps received (ratio %.2f)%n", sendto, sendto / kernel);
            System.out.printf("tandem, TX ring          : %,.0f pps received (ratio %.2f)%n", txRing, txRing / kernel);
            long[] kernelLatency = h.latency(Mode.KERNEL, seconds);
            long[] tandemLatency = h.latency(Mode.TANDEM_TX_RING, seconds);
            System.out.printf("latency client->real server at %,d pps, kernel nft fwd: p50 %s, p99 %s, p99.9 %s (%d samples)%n",
                    LATENCY_PPS, micros(kernelLatency, 0.50), micros(kernelLatency, 0.99), micros(kernelLatency, 0.999),
                    kernelLatency.length);
            System.out.printf("latency client->real server at %,d pps, tandem TX ring: p50 %s, p99 %s, p99.9 %s (%d samples)%n",
                    LATENCY_PPS, micros(tandemLatency, 0.50), micros(tandemLatency, 0.99), micros(tandemLatency, 0.999),
                    tandemLatency.length);
            System.out.printf("latency added by tandem over the kernel: p50 %+.1f us, p99 %+.1f us%n",
                    (percentile(tandemLatency, 0.50) - percentile(kernelLatency, 0.50)) / 1e3,
                    (percentile(tandemLatency, 0.99) - percentile(kernelLatency, 0.99)) / 1e3);
        } finally {
            h.deleteNamespaces();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private void build() throws Exception {
        String sw = ns("sw");
        ip("-n", sw, "link", "add", "br0", "type", "bridge");
        ip("-n", sw, "link", "set", "br0", "up");
        plug(ns("client"), sw, "p1", CLIENT_MAC, "198.51.100.2/24");
        plug(ns("director"), sw, "p2", DIRECTOR_MAC, "198.51.100.3/24");
        ip("-n", name("director"), "addr", "add", VIP + "/24", "dev", "eth0");
        plug(ns("rs"), sw, "p3", RS_MAC, "198.51.100.21/24");
        ip("-n", name("director"), "neigh", "replace", "198.51.100.21", "lladdr", EthernetFrame.macText(RS_MAC),
                "dev", "eth0", "nud", "permanent");
        nft(name("rs"), "table inet bench { chain pre { type filter hook prerouting priority -400; "
                + "udp dport " + PORT + " counter drop\n}\n}\n");
    }

    private String ns(String role) throws Exception {
        String n = name(role);
        ip("netns", "add", n);
        namespaces.add(n);
        ip("-n", n, "link", "set", "lo", "up");
        return n;
    }

    private String name(String role) {
        return prefix + role;
    }

    private static void plug(String ns, String sw, String port, long mac, String address) throws Exception {
        ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", sw);
        ip("-n", ns, "link", "set", "eth0", "address", EthernetFrame.macText(mac), "addrgenmode", "none", "up");
        ip("-n", sw, "link", "set", port, "master", "br0", "addrgenmode", "none", "up");
        ip("-n", ns, "addr", "add", address, "dev", "eth0");
    }

    /** Blasts for {@code seconds} and returns the rate counted at the real server. */
    private double measure(Mode mode, int seconds) throws Exception {
        boolean tandem = mode != Mode.KERNEL;
        String director = name("director");
        Forwarder forwarder = null;
        ExecutorService inDirector = executorIn(director);
        try {
            if (tandem) {
                forwarder = startTandem(mode, director, inDirector);
            } else {
                installKernelFwd(director);
            }
            long before = received();
            long allocatedBefore = tandem ? forwarder.allocatedBytes() : 0;
            long start = System.nanoTime();
            long sent = call(executorIn(name("client")), () -> blast(seconds));
            double elapsedS = (System.nanoTime() - start) / 1e9;
            long received = settledReceived() - before;
            if (tandem) {
                System.out.printf("%s: forwarding thread allocated %,d bytes during the run%n", mode,
                        forwarder.allocatedBytes() - allocatedBefore);
            }
            System.out.printf("%s: sent %,d frames in %.2f s (%,.0f pps), received %,d%s%n",
                    mode, sent, elapsedS, sent / elapsedS, received,
                    tandem ? " " + forwarder.counters() : "");
            return received / elapsedS;
        } finally {
            stopDirector(forwarder, director, inDirector);
        }
    }

    private Forwarder startTandem(Mode mode, String director, ExecutorService inDirector) throws Exception {
        ServiceTable services = new ServiceTable(List.of(VirtualService.of(Protocol.UDP,
                InetAddress.getByName(VIP), PORT, SchedulerSpec.of(SchedulerName.RR),
                List.of(RealServer.of(InetAddress.getByName("198.51.100.21"), 1)))));
        ForwarderConfig config = ForwarderConfig.oneArm("eth0");
        if (mode == Mode.TANDEM_SENDTO) {
            config = config.withRing(config.ring().withTxFrames(0));
        }
        Forwarder f = new Forwarder(config.withConnectionCapacity(4 * FLOWS)
                .withNftCommand(List.of("ip", "netns", "exec", director, "nft")), services, System::nanoTime);
        call(inDirector, () -> {
            f.start();
            return null;
        });
        return f;
    }

    private static void installKernelFwd(String director) throws Exception {
        nft(director, "table netdev bench { chain in { type filter hook ingress device eth0 priority 0; "
                + "ip daddr " + VIP + " udp dport " + PORT + " ether daddr set "
                + EthernetFrame.macText(RS_MAC) + " fwd to eth0\n}\n}\n");
    }

    private static void stopDirector(Forwarder forwarder, String director, ExecutorService inDirector) throws Exception {
        try {
            if (forwarder != null) {
                call(inDirector, () -> {
                    forwarder.close();
                    return null;
                });
            } else {
                nft(director, "delete table netdev bench");
            }
        } finally {
            inDirector.shutdownNow();
        }
    }

    /** Frames per second of the latency run: light load, so queueing does not hide the path's own delay. */
    private static final int LATENCY_PPS = 2_000;

    private static String micros(long[] sorted, double q) {
        return String.format("%.1f us", percentile(sorted, q) / 1e3);
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    /**
     * One-way latency client -> real server through the director at {@link #LATENCY_PPS}: the client
     * stamps each frame with System.nanoTime(), a receiver thread in the real server's namespace (one
     * recv per frame, no ring: no batching delay of its own) subtracts the stamp from its own reading
     * of the same clock. Sorted nanoseconds.
     */
    private long[] latency(Mode mode, int seconds) throws Exception {
        boolean tandem = mode != Mode.KERNEL;
        String director = name("director");
        Forwarder forwarder = null;
        ExecutorService inDirector = executorIn(director);
        ExecutorService inRs = executorIn(name("rs"));
        try {
            if (tandem) {
                forwarder = startTandem(mode, director, inDirector);
            } else {
                installKernelFwd(director);
            }
            int expected = LATENCY_PPS * seconds;
            java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
            Future<long[]> receiver = inRs.submit(() -> receiveStamps(expected, seconds + 5, listening));
            listening.await(10, TimeUnit.SECONDS);
            call(executorIn(name("client")), () -> {
                sendStamped(seconds);
                return null;
            });
            long[] samples = receiver.get(seconds + 30L, TimeUnit.SECONDS);
            java.util.Arrays.sort(samples);
            return samples;
        } finally {
            stopDirector(forwarder, director, inDirector);
            inRs.shutdownNow();
        }
    }

    private static long[] receiveStamps(int expected, int maxSeconds, java.util.concurrent.CountDownLatch listening)
            throws Exception {
        long[] samples = new long[expected];
        int n = 0;
        try (io.tandem.linux.PacketSocket in = io.tandem.linux.PacketSocket.openRaw("eth0",
                io.tandem.linux.PacketSocket.ETH_P_IP)) {
            listening.countDown();
            ByteBuffer frame = ByteBuffer.allocateDirect(2048);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
            while (n < expected && deadline - System.nanoTime() > 0) {
                frame.clear();
                int len = in.receive(frame, 100);
                long now = System.nanoTime();
                if (len >= 50 && (frame.getShort(36) & 0xFFFF) == PORT && frame.getInt(42) == STAMP_MAGIC) {
                    samples[n++] = now - frame.getLong(46);
                }
            }
        }
        return java.util.Arrays.copyOf(samples, n);
    }

    private static final int STAMP_MAGIC = 0x7444_6D31;

    private static void sendStamped(int seconds) throws Exception {
        try (PacketRing out = PacketRing.open("eth0", new PacketRing.Geometry(64 * 1024, 2, 10), -1)) {
            ByteBuffer f = out.txBuffer();
            writeHeaders(f);
            long intervalNs = 1_000_000_000L / LATENCY_PPS;
            long next = System.nanoTime();
            for (long i = 0; i < (long) LATENCY_PPS * seconds; i++) {
                while (next - System.nanoTime() > 0) {
                    Thread.onSpinWait();
                }
                next += intervalNs;
                f.putShort(34, (short) (10_000 + (i % FLOWS)));
                f.putInt(42, STAMP_MAGIC);
                f.putLong(46, System.nanoTime());
                out.sendTxBuffer(60);
            }
        }
    }

    private static void writeHeaders(ByteBuffer f) {
        EthernetFrame.putMacs(f, 0, DIRECTOR_MAC, CLIENT_MAC);
        f.putShort(12, (short) EthernetFrame.TYPE_IPV4);
        f.put(14, (byte) 0x45).putShort(16, (short) 46).putShort(18, (short) 0).putShort(20, (short) 0x4000);
        f.put(22, (byte) 64).put(23, (byte) 17).putInt(26, 0xC633_6402).putInt(30, 0xC633_640A);
        Checksums.writeIpv4HeaderChecksum(f, 14, 20);
        f.putShort(36, (short) PORT).putShort(38, (short) 26).putShort(40, (short) 0);
    }

    private static long blast(int seconds) throws Exception {
        try (PacketRing out = PacketRing.open("eth0", new PacketRing.Geometry(64 * 1024, 2, 10), -1)) {
            ByteBuffer f = out.txBuffer();
            writeHeaders(f);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long sent = 0;
            while (sent < MAX_FRAMES && ((sent & 1023) != 0 || deadline - System.nanoTime() > 0)) {
                f.putShort(34, (short) (10_000 + (sent % FLOWS)));
                if (out.sendTxBuffer(60)) {
                    sent++;
                }
            }
            return sent;
        }
    }

    /** The real server's count once frames still in flight have landed: it stops growing (at most 2 s). */
    private long settledReceived() throws Exception {
        long last = received();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            long now = received();
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private long received() throws Exception {
        String out = run(List.of("ip", "netns", "exec", name("rs"), "nft", "list", "table", "inet", "bench"), null);
        Matcher m = COUNTER.matcher(out);
        if (!m.find()) {
            throw new IOException("no counter in: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    private static ExecutorService executorIn(String ns) throws Exception {
        ExecutorService e = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-" + ns);
            t.setDaemon(true);
            return t;
        });
        call(e, () -> {
            NetNamespace.enter(ns);
            return null;
        });
        return e;
    }

    private static <T> T call(ExecutorService e, Callable<T> c) throws Exception {
        Future<T> f = e.submit(c);
        return f.get(90, TimeUnit.SECONDS);
    }

    private static void nft(String ns, String ruleset) throws Exception {
        run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), ruleset);
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        run(command, null);
    }

    private static String run(List<String> command, String input) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private void deleteNamespaces() {
        for (String n : List.copyOf(namespaces)) {
            try {
                run(List.of("ip", "netns", "del", n), null);
                namespaces.remove(n);
            } catch (Exception e) {
                System.err.println("could not delete namespace " + n + ": " + e.getMessage());
            }
        }
    }
}
