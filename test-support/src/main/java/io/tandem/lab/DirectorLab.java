package io.tandem.lab;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.cli.ControlClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two directors and a client on one bridge, each director running the real {@code bin/tandemd}
 * and a {@link UdpWhoServer}; the client can run a {@link UdpPoller} against the VIP.
 *
 * <pre>
 *   client 198.51.100.100 ─┐
 *   d1     198.51.100.1   ─┼─ br0 ("lan")      VIP 198.51.100.10, preferred by d1
 *   d2     198.51.100.2   ─┘
 * </pre>
 */
public final class DirectorLab implements AutoCloseable {
    public static final String VIP = "198.51.100.10";
    /** The client LAN is the lower half of 198.51.100.0/24; the second heartbeat link the upper. */
    public static final int LAN_PREFIX = 25;
    public static final int WHO_PORT = 7070;
    public static final String SECRET = "lab-secret-not-for-production";
    private static final Map<String, String> ADDRESSES = Map.of(
            "d1", "198.51.100.1", "d2", "198.51.100.2", "client", "198.51.100.100");
    private static final Map<String, String> SECOND_LINK = Map.of("d1", "198.51.100.129", "d2", "198.51.100.130");

    /** Heartbeat timing for the lab's ha.cf, in ha.cf syntax ("50ms", "1s"). */
    public record Timing(String keepalive, String warntime, String deadtime, String initdead, boolean autoFailback) {
        public static Timing fast() {
            return new Timing("50ms", "150ms", "250ms", "2s", false);
        }
    }

    private final Path repo;
    private final Path work;
    private final Timing timing;
    private final NetnsLab net = NetnsLab.create();
    private final Map<String, Process> httpServers = new java.util.concurrent.ConcurrentHashMap<>();
    /** Unix socket paths are limited to 107 bytes, so sockets live in a short directory of their own. */
    private final Path socketDir;
    private final Map<String, Process> daemons = new LinkedHashMap<>();
    private boolean secondLink;

    public DirectorLab(Path repo, Path work, Timing timing) {
        this.repo = repo;
        this.work = work;
        this.timing = timing;
        try {
            this.socketDir = Files.createTempDirectory("tdm");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a socket directory under /tmp: " + e.getMessage(), e);
        }
    }

    /** Finds the source tree from the working directory (a module dir or the root). */
    public static Path findRepo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isExecutable(p.resolve("bin/tandemd"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no bin/tandemd above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /**
     * Adds a second heartbeat link before {@link #build()}: bridge "hb", eth1 on each director
     * (198.51.100.129 and .130), and a second pair of ucast lines.
     */
    public DirectorLab withSecondLink() {
        this.secondLink = true;
        return this;
    }

    /** Builds the network and writes both directors' config; starts the who servers, not the daemons. */
    public DirectorLab build() throws IOException {
        // Each lab starts from nothing: no generation counters or logs from an earlier run.
        if (Files.exists(work)) {
            try (var paths = Files.walk(work)) {
                for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(work);
        net.addSwitch("lan");
        for (String host : List.of("d1", "d2", "client")) {
            net.addHost(host, "lan", "eth0", ADDRESSES.get(host) + "/" + LAN_PREFIX);
        }
        if (secondLink) {
            net.addSwitch("hb");
            for (String d : List.of("d1", "d2")) {
                net.addHost(d, "hb", "eth1", SECOND_LINK.get(d) + "/" + LAN_PREFIX);
            }
        }
        for (String d : List.of("d1", "d2")) {
            writeConfig(d);
            net.spawn(d, work.resolve(d + "-who.log"), javaCommand(UdpWhoServer.class, d, Integer.toString(WHO_PORT)));
        }
        return this;
    }

    /** The config both directors share (as Heartbeat users keep it: one ha.cf copied to both). */
    private void writeConfig(String d) throws IOException {
        Path dir = configDir(d);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ha.cf"), String.join("\n",
                "# Tandem lab: two directors on one LAN",
                "keepalive " + timing.keepalive(),
                "warntime " + timing.warntime(),
                "deadtime " + timing.deadtime(),
                "initdead " + timing.initdead(),
                "udpport 694",
                "auto_failback " + (timing.autoFailback() ? "on" : "off"),
                "ucast eth0 " + ADDRESSES.get("d1"),
                "ucast eth0 " + ADDRESSES.get("d2"),
                secondLink ? "ucast eth1 " + SECOND_LINK.get("d1") + "\nucast eth1 " + SECOND_LINK.get("d2") : "# one link",
                "node d1 d2",
                ""));
        Files.writeString(dir.resolve("haresources"), "d1 IPaddr2::" + VIP + "/" + LAN_PREFIX + "/eth0\n");
        Path keys = dir.resolve("authkeys");
        Files.writeString(keys, "auth 1\n1 sha256 " + SECRET + "\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
    }

    /** The ports every lab real server serves HTTP on ({@link LabHttpServer}). */
    public static final String REAL_SERVER_PORTS = "80,8080,8081";

    /**
     * Adds a real server for direct routing on the LAN: address {@code ip}, the VIP on its {@code lo}
     * with arp_ignore=1 / arp_announce=2 (so it never answers ARP for the VIP), and a real HTTP
     * server on ports 80, 8080 and 8081 answering {@code name}.
     */
    public void addRealServer(String name, String ip) {
        net.addHost(name, "lan", "eth0", ip + "/" + LAN_PREFIX);
        net.ip(name, "addr", "add", VIP + "/32", "dev", "lo");
        for (String key : List.of("net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2",
                "net.ipv4.conf.eth0.arp_ignore=1", "net.ipv4.conf.eth0.arp_announce=2")) {
            net.exec(name, 10_000, "sysctl", "-q", "-w", key).orThrow();
        }
        startHttp(name);
    }

    /** (Re)starts real server {@code name}'s HTTP server. */
    public void startHttp(String name) {
        httpServers.put(name, net.spawn(name, work.resolve(name + "-http.log"),
                javaCommand(LabHttpServer.class, REAL_SERVER_PORTS, name)));
    }

    /** Ends real server {@code name}'s HTTP server (SIGTERM, by PID): its ports refuse connections. */
    public void stopHttp(String name) {
        Process p = httpServers.remove(name);
        if (p != null) {
            NetnsLab.stop(p, 5_000);
        }
    }

    /**
     * Adds a real server for NAT on the second link (needs {@link #withSecondLink()}; bridge "hb",
     * 198.51.100.128/25): address {@code ip}, default route via {@code gateway} (a VIP the
     * directors share, so replies go through whichever is active), the same HTTP server.
     */
    public void addNatRealServer(String name, String ip, String gateway) {
        if (!secondLink) {
            throw new IllegalStateException("NAT real servers live on the second link: build the lab withSecondLink()");
        }
        net.addHost(name, "hb", "eth0", ip + "/" + LAN_PREFIX);
        // A veth carries a sender's 64 KB TSO frames whole; a wire would not. One segment per frame
        // is what the director sees from a real NIC.
        net.ip(name, "link", "set", "dev", "eth0", "gso_max_segs", "1");
        net.ip(name, "route", "add", "default", "via", gateway);
        startHttp(name);
    }

    /**
     * Fetches {@code url} from the client {@code times} times, each over a new TCP connection (one
     * curl, "Connection: close"); the bodies in order, trimmed ("" for a failed fetch).
     */
    public List<String> fetchManyFromClient(String url, int times) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "5", "-H", "Connection: close",
                "-w", "\\n#END#\\n"));
        for (int i = 0; i < times; i++) {
            cmd.add(url);
        }
        Exec.Result r = net.exec("client", 60_000 + 100L * times, cmd.toArray(String[]::new));
        List<String> bodies = new ArrayList<>();
        for (String part : r.stdout().split("#END#")) {
            if (bodies.size() < times) {
                bodies.add(part.strip());
            }
        }
        while (bodies.size() < times) {
            bodies.add("");
        }
        return bodies;
    }

    /** Runs curl on the client with {@code args}, to completion or {@code timeoutMillis}. */
    public Exec.Result clientCurl(long timeoutMillis, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl"));
        cmd.addAll(List.of(args));
        return net.exec("client", timeoutMillis, cmd.toArray(String[]::new));
    }

    /** Starts curl on the client in the background, its output in {@code log}; the lab ends it if the test does not. */
    public Process startClientCurl(Path log, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl"));
        cmd.addAll(List.of(args));
        return net.spawn("client", log, cmd);
    }

    /** Fetches {@code http://VIP/} from the client with curl; the body, trimmed, or null on failure. */
    public String fetchFromClient() {
        Exec.Result r = net.exec("client", 10_000, "curl", "-s", "--max-time", "3", "http://" + VIP + "/");
        return r.exitCode() == 0 ? r.stdout().strip() : null;
    }

    /** Writes both directors' director.cf. */
    public void writeDirectorCf(String text) throws IOException {
        for (String d : List.of("d1", "d2")) {
            Files.writeString(configDir(d).resolve("director.cf"), text);
        }
    }

    /** Appends lines to both directors' ha.cf (before the daemons start). */
    public void appendHaCf(String... lines) throws IOException {
        for (String d : List.of("d1", "d2")) {
            Path haCf = configDir(d).resolve("ha.cf");
            Files.writeString(haCf, Files.readString(haCf) + String.join("\n", lines) + "\n");
        }
    }

    /** Replaces both directors' haresources with {@code lines} (before the daemons start). */
    public void writeHaresources(String... lines) throws IOException {
        for (String d : List.of("d1", "d2")) {
            Files.writeString(configDir(d).resolve("haresources"), String.join("\n", lines) + "\n");
        }
    }

    /** Installs an executable resource.d script on director {@code d}. */
    public void addResourceScript(String d, String name, String body) throws IOException {
        Path dir = configDir(d).resolve("resource.d");
        Files.createDirectories(dir);
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    public Path configDir(String d) {
        return work.resolve(d).resolve("etc");
    }

    public Path stateDir(String d) {
        return work.resolve(d).resolve("state");
    }

    public Path socket(String d) {
        return socketDir.resolve(d + ".sock");
    }

    public Path log(String d) {
        return work.resolve(d + ".log");
    }

    /** Starts the real {@code bin/tandemd} inside director {@code d}. */
    public Process startDaemon(String d) {
        Process p = net.spawn(d, log(d), List.of(repo.resolve("bin/tandemd").toString(),
                "--config", configDir(d).toString(), "--node", d,
                "--socket", socket(d).toString(), "--state-dir", stateDir(d).toString()));
        daemons.put(d, p);
        return p;
    }

    /** SIGTERM to director {@code d}'s daemon, waiting for it to exit. */
    public void stopDaemon(String d) {
        NetnsLab.stop(daemons.remove(d), 15_000);
    }

    /** The PID of director {@code d}'s daemon ('ip netns exec' execs into it, so it is the JVM's). */
    public long daemonPid(String d) {
        return daemons.get(d).pid();
    }

    /** Where this lab keeps configs and logs. */
    public Path work() {
        return work;
    }

    /** SIGKILL to director {@code d}'s daemon: no goodbye, no cleanup, VIPs left in the kernel. */
    public void killDaemon(String d) throws InterruptedException {
        Process p = daemons.remove(d);
        p.destroyForcibly();
        p.waitFor();
    }

    /** Runs {@code bin/tandemd ARGS} in director {@code d} to completion (for config checks). */
    public Exec.Result runDaemonOnce(String d, long timeoutMillis, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/tandemd").toString()));
        cmd.addAll(List.of(args));
        return net.exec(d, timeoutMillis, cmd.toArray(String[]::new));
    }

    /** Runs the real {@code bin/tandemctl} against director {@code d}'s socket. */
    public Exec.Result tandemctl(String d, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/tandemctl").toString(), "--socket", socket(d).toString()));
        cmd.addAll(List.of(args));
        return Exec.run(cmd, 60_000);
    }

    /** Director {@code d}'s status as JSON, straight from its control socket. */
    public JsonNode status(String d) throws IOException {
        return new ControlClient(socket(d)).call("status", null);
    }

    /** Starts the client's poller against the VIP. */
    public PollerLog startPoller(long intervalMillis, long maxSeconds) {
        Process p = net.spawnPiped("client", javaCommand(UdpPoller.class, VIP, Integer.toString(WHO_PORT),
                Long.toString(intervalMillis), Long.toString(maxSeconds)));
        return new PollerLog(p);
    }

    /**
     * Starts {@link LabStreamClient} on the client: {@code connections} long-lived TCP connections to
     * VIP:{@link LabHttpServer#ECHO_PORT}, a line every {@code intervalMillis}, for {@code seconds};
     * its output goes to {@code log} (see {@link #streamResult}).
     */
    public Process startStreamClient(Path log, int connections, int seconds, int intervalMillis) {
        return net.spawn("client", log, javaCommand(LabStreamClient.class, VIP, Integer.toString(LabHttpServer.ECHO_PORT),
                Integer.toString(connections), Integer.toString(seconds), Integer.toString(intervalMillis)));
    }

    /** What a stream client reported, or null while it runs. */
    public record StreamResult(int connections, long echoes, int errors, long maxStallMillis, long maxStallEndedAtMillis,
            int stallsOver500Millis, String firstError) {
    }

    /** Parses the {@code RESULT} line of a stream client's log, or null if there is none yet. */
    public static StreamResult streamResult(Path log) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("RESULT ")) {
                java.util.Map<String, String> f = new java.util.HashMap<>();
                String[] parts = line.substring(7).split(" ", 7);
                for (String part : parts) {
                    int eq = part.indexOf('=');
                    f.put(part.substring(0, eq), part.substring(eq + 1));
                }
                return new StreamResult(Integer.parseInt(f.get("connections")), Long.parseLong(f.get("echoes")),
                        Integer.parseInt(f.get("errors")), Long.parseLong(f.get("maxStallMs")),
                        Long.parseLong(f.get("maxStallEndedAtMs")), Integer.parseInt(f.get("stallsOver500Ms")),
                        f.getOrDefault("firstError", ""));
            }
        }
        return null;
    }

    /** Whether a stream client's log says all its connections are open. */
    public static boolean streamStarted(Path log) throws IOException {
        return Files.exists(log) && Files.readAllLines(log).contains("STARTED");
    }

    /** Sends raw datagrams to {@code host:port} from inside lab host {@code from}. */
    public void sendDatagrams(String from, String host, int port, List<byte[]> datagrams) {
        List<String> args = new ArrayList<>(List.of(host, Integer.toString(port)));
        for (byte[] d : datagrams) {
            args.add(java.util.Base64.getEncoder().encodeToString(d));
        }
        List<String> cmd = javaCommand(UdpSend.class, args.toArray(String[]::new));
        net.exec(from, 30_000, cmd.toArray(String[]::new)).orThrow();
    }

    /** The lab address of a host ("d1", "d2", "client"). */
    public static String address(String host) {
        return ADDRESSES.get(host);
    }

    /**
     * Drops every heartbeat datagram (UDP 694, both ways) in director {@code d} with nftables, the
     * LAN itself staying up; {@code false} removes the rule again.
     */
    public void dropHeartbeats(String d, boolean drop) {
        if (drop) {
            nft(d, "add table inet tandemlab");
            nft(d, "add chain inet tandemlab in { type filter hook input priority 0 ; }");
            nft(d, "add chain inet tandemlab out { type filter hook output priority 0 ; }");
            nft(d, "add rule inet tandemlab in udp dport 694 drop");
            nft(d, "add rule inet tandemlab out udp dport 694 drop");
        } else {
            nft(d, "delete table inet tandemlab");
        }
    }

    /** Drops {@code percent} % of heartbeat datagrams arriving at director {@code d} on {@code ifName}, at random. */
    /** Drops {@code percent} % of the connection sync datagrams (UDP 8848) arriving at director {@code d}, at random. */
    public void dropSyncAtRandom(String d, int percent) {
        nft(d, "add table inet tandemsyncloss");
        nft(d, "add chain inet tandemsyncloss in { type filter hook input priority 0 ; }");
        nft(d, "add rule inet tandemsyncloss in udp dport 8848 numgen random mod 100 < " + percent + " counter drop");
    }

    /** How many sync datagrams {@link #dropSyncAtRandom} dropped at director {@code d}. */
    public long syncDatagramsDropped(String d) {
        String out = net.exec(d, 10_000, "nft", "list", "table", "inet", "tandemsyncloss").stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    public void dropHeartbeatsAtRandom(String d, int percent, String ifName) {
        nft(d, "add table inet tandemloss");
        nft(d, "add chain inet tandemloss in { type filter hook input priority 0 ; }");
        nft(d, "add rule inet tandemloss in iifname " + ifName + " udp dport 694 numgen random mod 100 < " + percent + " drop");
    }

    private void nft(String d, String rule) {
        List<String> cmd = new ArrayList<>(List.of("nft"));
        cmd.addAll(List.of(rule.split(" ")));
        net.exec(d, 30_000, cmd.toArray(String[]::new)).orThrow();
    }

    /** Plugs director {@code d}'s LAN cable in or pulls it out (its bridge port up/down). */
    public void setLink(String d, boolean up) {
        net.setPort(d, "lan", up);
    }

    /** The same for the second heartbeat link ({@link #withSecondLink()}). */
    public void setSecondLink(String d, boolean up) {
        net.setPort(d, "hb", up);
    }

    public String mac(String d) {
        return net.mac(d, "eth0");
    }

    /** The MAC the client's neighbour table holds for the VIP, or null. */
    public String clientNeighbourMac() {
        String out = net.ip("client", "neigh", "show", VIP, "dev", "eth0").stdout();
        int i = out.indexOf("lladdr ");
        return i < 0 ? null : out.substring(i + 7, i + 24);
    }

    /** Whether director {@code d}'s eth0 carries the VIP right now, according to the kernel. */
    public boolean kernelHasVip(String d) {
        return net.ip(d, "-o", "addr", "show", "dev", "eth0").stdout().contains(" " + VIP + "/");
    }

    public NetnsLab net() {
        return net;
    }

    private static List<String> javaCommand(Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp;
        try {
            cp = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Override
    public void close() {
        for (String d : new ArrayList<>(daemons.keySet())) {
            NetnsLab.stop(daemons.remove(d), 10_000);
        }
        net.close();
        try (var files = Files.list(socketDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(socketDir);
        } catch (IOException e) {
            // Best effort: a leftover empty directory in /tmp harms nobody.
        }
    }
}
