package io.tandem.director.forward;

import io.tandem.lab.LabHttpServer;
import io.tandem.linux.NetnsLab;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The forwarding tests' network: namespaces for a client, a director, real servers and a
 * "switch" holding Linux bridges, all from 198.51.100.0/24; real HTTP servers as processes in
 * the real servers' namespaces. {@link #close()} kills the processes and deletes the namespaces.
 *
 * <pre>
 *  one-arm (DR, TUN):   client .2 ──┐                     ┌── rs1 .21 (VIP on lo for DR)
 *                       director .3 ┴── br0 (switch ns) ──┴── rs2 .22
 *                       (+ VIP .10)
 *  two-arm (NAT):       client .2, director .3 + VIP .10 on br0   198.51.100.0/25
 *                       director .129, rs1 .149, rs2 .150 on br1  198.51.100.128/25, default via .129
 * </pre>
 */
final class ForwardingLab implements AutoCloseable {
    static final String VIP = "198.51.100.10";
    static final String CLIENT = "198.51.100.2";
    static final String DIRECTOR = "198.51.100.3";

    final NetnsLab lab = new NetnsLab();
    final String sw;
    final String client;
    final String director;
    final List<String> servers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private int ports;

    ForwardingLab() throws Exception {
        try {
            sw = lab.createNamespace();
            client = lab.createNamespace();
            director = lab.createNamespace();
            sysctl(sw, "net.ipv6.conf.default.disable_ipv6", "1");
            addBridge("br0");
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    /** A bridge without addresses of its own, so the only frames on it are the test's. */
    private void addBridge(String name) {
        NetnsLab.ipIn(sw, "link", "add", name, "type", "bridge");
        NetnsLab.ipIn(sw, "link", "set", name, "addrgenmode", "none");
        NetnsLab.ipIn(sw, "link", "set", name, "up");
    }

    /** Connects {@code ns} to bridge {@code bridge} through its interface {@code ifName}. */
    void plug(String ns, String ifName, String bridge) throws Exception {
        String port = "p" + (++ports);
        // An IPv4 lab: no MLD reports or router solicitations on the links.
        sysctl(ns, "net.ipv6.conf.default.disable_ipv6", "1");
        lab.addVethPair(ns, ifName, sw, port);
        NetnsLab.ipIn(sw, "link", "set", port, "master", bridge);
    }

    /** The one-arm network: every host on br0, real servers at .21, .22, ... */
    void oneArm(int serverCount, boolean vipOnServers) throws Exception {
        plug(client, "eth0", "br0");
        NetnsLab.ipIn(client, "addr", "add", CLIENT + "/24", "dev", "eth0");
        plug(director, "eth0", "br0");
        NetnsLab.ipIn(director, "addr", "add", DIRECTOR + "/24", "dev", "eth0");
        NetnsLab.ipIn(director, "addr", "add", VIP + "/24", "dev", "eth0");
        for (int i = 0; i < serverCount; i++) {
            String ns = lab.createNamespace();
            servers.add(ns);
            plug(ns, "eth0", "br0");
            NetnsLab.ipIn(ns, "addr", "add", serverAddress(i, false) + "/24", "dev", "eth0");
            if (vipOnServers) {
                sysctl(ns, "net.ipv4.conf.all.arp_ignore", "1");
                sysctl(ns, "net.ipv4.conf.all.arp_announce", "2");
                NetnsLab.ipIn(ns, "addr", "add", VIP + "/32", "dev", "lo");
            }
        }
    }

    /** The two-arm NAT network: clients on br0, real servers on br1 behind the director. */
    void twoArm(int serverCount) throws Exception {
        addBridge("br1");
        plug(client, "eth0", "br0");
        NetnsLab.ipIn(client, "addr", "add", CLIENT + "/25", "dev", "eth0");
        plug(director, "eth0", "br0");
        NetnsLab.ipIn(director, "addr", "add", DIRECTOR + "/25", "dev", "eth0");
        NetnsLab.ipIn(director, "addr", "add", VIP + "/25", "dev", "eth0");
        plug(director, "eth1", "br1");
        NetnsLab.ipIn(director, "addr", "add", "198.51.100.129/25", "dev", "eth1");
        for (int i = 0; i < serverCount; i++) {
            String ns = lab.createNamespace();
            servers.add(ns);
            plug(ns, "eth0", "br1");
            NetnsLab.ipIn(ns, "addr", "add", serverAddress(i, true) + "/25", "dev", "eth0");
            NetnsLab.ipIn(ns, "route", "add", "default", "via", "198.51.100.129");
        }
    }

    static String serverAddress(int i, boolean twoArm) {
        return "198.51.100." + ((twoArm ? 149 : 21) + i);
    }

    static void sysctl(String ns, String key, String value) throws Exception {
        run(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", key + "=" + value), 10);
    }

    /** Starts {@link LabHttpServer} on port 80 in server {@code i}'s namespace, named rs1, rs2, ... */
    void startHttpServer(int i) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(LabHttpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        Process p = new ProcessBuilder("ip", "netns", "exec", servers.get(i), java, "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", classes, LabHttpServer.class.getName(), "80", "rs" + (i + 1))
                .redirectErrorStream(true).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals("READY")) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                break;
            }
        }
        throw new IllegalStateException("HTTP server rs" + (i + 1) + " did not start: " + line);
    }

    /** {@code curl} in the client namespace; returns its output, or null if it failed. */
    String curl(String url, int maxSeconds, String outputFile) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", client, "curl", "-s", "-f",
                "--max-time", Integer.toString(maxSeconds)));
        if (outputFile != null) {
            command.addAll(List.of("-o", outputFile));
        }
        command.add(url);
        Result r = run(command, maxSeconds + 5);
        return r.exitCode == 0 ? r.output : null;
    }

    /** The nft command for the director's namespace. */
    List<String> nftInDirector() {
        return List.of("ip", "netns", "exec", director, "nft");
    }

    record Result(int exitCode, String output) {
    }

    static Result run(List<String> command, int maxSeconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out;
        if (!p.waitFor(maxSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + maxSeconds + " s");
        }
        out = p.getInputStream().readAllBytes();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lab.close();
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception | Error e) {
                // Cleanup after a failure: the original failure matters more.
            }
        }
    }

}
