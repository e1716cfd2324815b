package io.tandem.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hosts in network namespaces joined by bridges, each bridge living in a namespace of its own so
 * the machine's own network is never touched. Processes started through the lab are ended (by
 * PID, TERM then KILL) and every namespace is deleted on {@link #close()}, also when a test fails;
 * namespaces left by a lab whose JVM died are removed by the next lab.
 *
 * <pre>
 *   [client]eth0 ──p-client┐
 *   [d1]eth0 ──────p-d1────┼── br0 in namespace "lan"
 *   [d2]eth0 ──────p-d2────┘
 * </pre>
 */
public final class NetnsLab implements AutoCloseable {
    public static final String PREFIX = "tdmlab-";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String id;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());

    private final Thread shutdownHook = new Thread(this::close, "netns-lab-cleanup");

    private NetnsLab(String id) {
        this.id = id;
        // A harness killed by SIGTERM (a timeout, Ctrl-C) still ends its daemons and deletes its namespaces.
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A new, empty lab; removes what crashed earlier labs left behind first. */
    public static NetnsLab create() {
        removeOrphans();
        return new NetnsLab(ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
    }

    /** The namespace name of a host of this lab. */
    public String ns(String host) {
        return PREFIX + id + "-" + host;
    }

    /** A bridge {@code br0} in a namespace of its own; hosts attach to it by switch name. */
    public void addSwitch(String name) {
        addNamespace(name);
        ip(name, "link", "add", "br0", "type", "bridge");
        ip(name, "link", "set", "br0", "up");
    }

    /** A host with {@code eth0} (address {@code cidr}) plugged into {@code sw}'s bridge as port {@code p-HOST}. */
    public void addHost(String host, String sw, String ifName, String cidr) {
        if (!namespaces.contains(ns(host))) {
            addNamespace(host);
            ip(host, "link", "set", "lo", "up");
        }
        String port = portName(host, sw);
        Exec.run("ip", "-n", ns(sw), "link", "add", port, "type", "veth", "peer", "name", ifName, "netns", ns(host)).orThrow();
        ip(sw, "link", "set", port, "master", "br0");
        ip(sw, "link", "set", port, "up");
        ip(host, "addr", "add", cidr, "dev", ifName);
        ip(host, "link", "set", ifName, "up");
    }

    /** Port names live in the switch's namespace, so the host name alone keeps them apart. */
    private static String portName(String host, String sw) {
        String name = "p-" + host;
        return name.length() > 15 ? name.substring(0, 15) : name;
    }

    /** Sets a host's port on switch {@code sw} up or down: that cable is pulled or plugged back. */
    public void setPort(String host, String sw, boolean up) {
        ip(sw, "link", "set", portName(host, sw), up ? "up" : "down");
    }

    /** {@code ip -n NS args...}, failing loudly. */
    public Exec.Result ip(String host, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns(host)));
        cmd.addAll(List.of(args));
        return Exec.run(cmd, 30_000).orThrow();
    }

    /** Runs a command inside a host and waits for it. */
    public Exec.Result exec(String host, long timeoutMillis, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        cmd.addAll(List.of(args));
        return Exec.run(cmd, timeoutMillis);
    }

    /** Starts a long-running process inside a host, its output going to {@code log}. Ended by {@link #close()}. */
    public Process spawn(String host, Path log, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        cmd.addAll(args);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + cmd + ": " + e.getMessage(), e);
        }
    }

    /** Starts a process whose standard output the caller reads. Ended by {@link #close()}. */
    public Process spawnPiped(String host, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + cmd + ": " + e.getMessage(), e);
        }
    }

    /** The MAC address of a host's interface, as {@code ip} prints it. */
    public String mac(String host, String ifName) {
        String out = ip(host, "-o", "link", "show", ifName).stdout();
        int i = out.indexOf("link/ether ");
        if (i < 0) {
            throw new IllegalStateException("no MAC address for " + ifName + " in " + host + ": " + out);
        }
        return out.substring(i + 11, i + 28);
    }

    /** Ends one process of this lab: SIGTERM, then SIGKILL after {@code graceMillis}. */
    public static void stop(Process p, long graceMillis) {
        // Our processes run under 'ip netns exec', which execs into the command: the PID is the command's.
        p.destroy();
        try {
            if (!p.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: this is the hook running.
        }
        List<Process> ps;
        synchronized (processes) {
            ps = new ArrayList<>(processes);
        }
        for (Process p : ps) {
            if (p.isAlive()) {
                stop(p, 3_000);
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            Exec.run(List.of("ip", "netns", "delete", namespaces.get(i)), 30_000);
        }
        namespaces.clear();
    }

    private void addNamespace(String host) {
        Exec.run("ip", "netns", "add", ns(host)).orThrow();
        namespaces.add(ns(host));
    }

    /** Deletes namespaces of labs whose JVM is gone (the PID is part of the name). */
    private static void removeOrphans() {
        String out = Exec.run(List.of("ip", "netns", "list"), 30_000).stdout();
        for (String line : out.split("\n")) {
            String name = line.split(" ")[0];
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = name.substring(PREFIX.length()).split("-");
            try {
                long pid = Long.parseLong(parts[0]);
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
            } catch (NumberFormatException e) {
                continue;
            }
            Exec.run(List.of("ip", "netns", "delete", name), 30_000);
        }
    }
}
