package io.tandem.daemon;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tandem.config.ClusterConfig;
import io.tandem.config.NamedResourceSpec;
import io.tandem.config.ResourceGroupSpec;
import io.tandem.config.ResourceSpec;
import io.tandem.config.VipSpec;
import io.tandem.daemon.director.DirectorResource;
import io.tandem.daemon.resources.ResourceResolver;
import io.tandem.failover.FailoverEngine;
import io.tandem.failover.Resource;
import io.tandem.heartbeat.GenerationStore;
import io.tandem.arp.ArpWatcher;
import io.tandem.arp.GratuitousArpAnnouncer;
import io.tandem.config.UcastMedium;
import io.tandem.linux.Links;
import io.tandem.linux.LinuxException;
import io.tandem.linux.Realtime;
import io.tandem.linux.RtNetlink;
import io.tandem.vip.AddressTable;
import io.tandem.vip.VipController;
import io.tandem.vip.VipReconciler;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tandemd wired together: config, kernel VIPs, heartbeat, failover engine, control socket.
 *
 * <p>Threads: one core event loop owns the failover engine, peer liveness and the heartbeat
 * socket (Netty, epoll); one resource thread runs resource start/stop, which block on the kernel;
 * one announcer thread repeats gratuitous ARPs. Everything that changes failover state runs on the
 * core loop.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** Below the kernel's own threads (50) but above anything else in user space. */
    private static final int CORE_PRIORITY = 30;
    private static final int RESOURCE_PRIORITY = 20;
    private static final int VM_PRIORITY = 31;
    private static final int BASE_PRIORITY = 10;
    private static final long NOTIFY_TIMEOUT_MILLIS = 10_000;
    /** Health notify hooks, one at a time, in order. */
    private final ExecutorService hookThread = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("tandem-health-hooks", true));

    private final ClusterConfig config;
    private final String node;
    private final Path socketPath;
    private final Path stateDir;

    private EventLoopGroup loopGroup;
    private ExecutorService resourceThread;
    private ScheduledExecutorService announcerThread;
    private RtNetlink netlink;
    private AddressTable addressTable;
    private GratuitousArpAnnouncer announcer;
    private ArpWatcher arpWatcher;
    private MembershipLink membership;
    private PingMonitor ping;
    private ClusterNode cluster;
    private ControlServer control;
    private final List<DirectorResource> directors = new ArrayList<>();
    private VipController vips;
    private Map<String, GroupResources> groups;
    private io.tandem.health.ProbeSet probes;
    // Metrics: the counters run always (cheap); the collector and its HTTP server only with metrics_address.
    private final io.tandem.daemon.metrics.TransitionCounter transitions = new io.tandem.daemon.metrics.TransitionCounter();
    private final io.tandem.daemon.metrics.CheckCounter checks = new io.tandem.daemon.metrics.CheckCounter();
    private io.tandem.daemon.metrics.TandemCollector collector;
    private io.tandem.daemon.metrics.MetricsServer metrics;

    public Daemon(ClusterConfig config, String node, Path socketPath, Path stateDir) {
        this.config = config;
        this.node = node;
        this.socketPath = socketPath;
        this.stateDir = stateDir;
    }

    /** Starts everything; on failure undoes what was started and throws. */
    public void start() throws Exception {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's native epoll transport is not available: "
                    + Epoll.unavailabilityCause());
        }
        Files.createDirectories(stateDir);
        long generation = GenerationStore.next(stateDir);

        resourceThread = Executors.newSingleThreadExecutor(new DefaultThreadFactory("tandem-resources", true));
        announcerThread = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("tandem-announcer", true));
        loopGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tandem-core", false),
                EpollIoHandler.newFactory());
        EventLoop loop = loopGroup.next();

        netlink = RtNetlink.open();
        addressTable = new AddressTable(netlink);
        announcer = new GratuitousArpAnnouncer(announcerThread);
        vips = new VipController(addressTable, announcer,
                config.ha().garpCount(), config.ha().garpInterval());
        ResourceResolver resolver = new ResourceResolver(config.directory());
        List<VipSpec> allVips = new ArrayList<>();
        groups = new LinkedHashMap<>();
        List<FailoverEngine.GroupDef> defs = new ArrayList<>();
        for (ResourceGroupSpec g : config.groups()) {
            List<Resource> rs = new ArrayList<>();
            for (ResourceSpec spec : g.resources()) {
                if (spec instanceof VipSpec vip) {
                    rs.add(new VipResource(vips, addressTable, vip));
                    allVips.add(vip);
                } else if (spec instanceof NamedResourceSpec named && isDirector(named)) {
                    if (probes == null) {
                        probes = new io.tandem.health.ProbeSet();
                    }
                    DirectorResource director = new DirectorResource(named.text(), directorFile(config, named),
                            directorInterface(g), announcerThread, checks.around(probes), this::onRealServerHealth,
                            syncConfig(generation, directors.size()), config.authKeys());
                    directors.add(director);
                    rs.add(director);
                } else if (spec instanceof NamedResourceSpec named) {
                    rs.add(resolver.resolve(named));
                }
            }
            groups.put(g.name(), new GroupResources(g.name(), rs));
            defs.add(new FailoverEngine.GroupDef(g.name(), g.preferredNode()));
        }

        MaintenanceStore.State maintenance = MaintenanceStore.read(stateDir);
        if (maintenance.on()) {
            LOG.warn("starting in MAINTENANCE MODE (kept in {}): VIPs found in the kernel are adopted, not removed",
                    stateDir);
        } else {
            // Nothing is ours at start-up: a VIP still in the kernel was left by a run that did not stop cleanly.
            new VipReconciler(addressTable).removeStale(allVips);
        }

        goRealtime(loop);
        Map<String, String> groupOfVip = new LinkedHashMap<>();
        for (ResourceGroupSpec g : config.groups()) {
            g.resources().stream().filter(VipSpec.class::isInstance)
                    .forEach(r -> groupOfVip.put(((VipSpec) r).address().getHostAddress(), g.name()));
        }
        cluster = new ClusterNode(config, node, generation, stateDir, loop, resourceThread, groups, defs);
        cluster.observeTransitions(transitions);
        cluster.restoreMaintenance(maintenance);
        List<DirectorResource> forwarding = List.copyOf(directors);
        cluster.onPeerRevived(() -> forwarding.forEach(DirectorResource::onPeerRevived));
        arpWatcher = startArpWatcher(allVips, groupOfVip);
        // The control socket (and its JSON machinery) comes up before the first heartbeat leaves,
        // so its start-up work cannot delay a heartbeat.
        control = new ControlServer(socketPath, loopGroup, cluster, () -> reloader.get(), List.copyOf(directors),
                Math.max(TimeUnit.SECONDS.toNanos(5), 4 * config.ha().deadtime().toNanos()));
        control.start();
        if (!config.ha().policy().pingNodes().isEmpty()) {
            ping = new PingMonitor(config.ha().policy(), cluster::onPingScore);
            ping.start();
        }
        cluster.start(loopGroup);
        membership = new MembershipLink(config, node, cluster);
        cluster.attach(membership);
        membership.startInBackground();
        if (config.ha().metricsAddress() != null) {
            collector = new io.tandem.daemon.metrics.TandemCollector(cluster::status,
                    () -> directors.stream().map(DirectorResource::view).toList(), transitions, checks);
            metrics = io.tandem.daemon.metrics.MetricsServer.start(config.ha().metricsAddress(), collector);
        }
        LOG.info("tandemd {} started: generation {}, {} group(s), heartbeat udp/{} on {}, control socket {}",
                node, generation, groups.size(), config.ha().udpPort(), cluster.media(), socketPath);
    }

    /**
     * Reload (SIGHUP or {@code tandemctl reload}): the new files are parsed and checked first; if
     * anything is wrong, or a change needs a restart, nothing changes and the answer says why.
     * Otherwise only the difference is applied — today keys and heartbeat media — with no VIP
     * touched and no failover.
     *
     * @return what happened, one line for the operator; ok=false when refused
     */
    public synchronized ReloadResult reload(java.util.function.Function<java.nio.file.Path, ClusterConfig> loader) {
        ClusterConfig running = cluster.config();
        ClusterConfig next;
        try {
            next = loader.apply(running.directory());
        } catch (RuntimeException e) {
            return ReloadResult.refused(e.getMessage());
        }
        List<String> unresolvable = unresolvableResources(next);
        if (!unresolvable.isEmpty()) {
            return ReloadResult.refused(unresolvable.get(0));
        }
        List<String> restart = new ArrayList<>(io.tandem.heartbeat.HeartbeatReload.restartNeededFor(running.ha(), next.ha()));
        List<VipAddition> vipAdditions = new ArrayList<>();
        String groupChange = vipAdditions(running.groups(), next.groups(), vipAdditions);
        if (groupChange != null) {
            restart.add(groupChange);
        }
        var policy = running.ha().policy();
        var nextPolicy = next.ha().policy();
        if (!policy.pingNodes().equals(nextPolicy.pingNodes()) || !policy.pingInterval().equals(nextPolicy.pingInterval())
                || !policy.autoFailbackDelay().equals(nextPolicy.autoFailbackDelay())
                || policy.fenceCommand().isEmpty() != nextPolicy.fenceCommand().isEmpty()) {
            restart.add("ping nodes, auto_failback_delay or turning fencing on/off changed");
        }
        if (next.ha().garpCount() != running.ha().garpCount() || !next.ha().garpInterval().equals(running.ha().garpInterval())) {
            restart.add("garp_count/garp_interval changed");
        }
        if (!java.util.Objects.equals(next.ha().metricsAddress(), running.ha().metricsAddress())) {
            restart.add("metrics_address changed");
        }
        boolean relog = !next.ha().logging().equals(running.ha().logging());
        if (relog) {
            try {
                io.tandem.daemon.logging.LogSetup.check(next.ha().logging());
            } catch (IOException e) {
                return ReloadResult.refused(e.getMessage());
            }
        }
        if (!restart.isEmpty()) {
            return ReloadResult.refused("needs a restart: " + String.join("; ", restart));
        }
        List<DirectorResource.ReloadPlan> plans = new ArrayList<>();
        for (DirectorResource d : directors) {
            try {
                plans.add(d.planReload());
            } catch (io.tandem.config.ConfigException e) {
                return ReloadResult.refused(e.getMessage());
            }
        }
        try {
            cluster.applyReload(next);
        } catch (IOException | RuntimeException e) {
            return ReloadResult.refused("could not apply: " + e.getMessage());
        }
        List<String> directorChanges = new ArrayList<>();
        for (VipAddition add : vipAdditions) {
            try {
                resourceThread.submit(() -> {
                    groups.get(add.group()).insert(add.position(), new VipResource(vips, addressTable, add.vip()));
                    return null;
                }).get(30, TimeUnit.SECONDS);
                directorChanges.add("VIP " + add.vip().text() + " added to group " + add.group());
            } catch (Exception e) {
                String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
                return ReloadResult.refused("VIP " + add.vip().text() + " could not be added to group " + add.group()
                        + ": " + why + " (what came before it in this reload is applied)");
            }
        }
        directors.forEach(d -> d.updateKeys(next.authKeys()));
        for (int i = 0; i < directors.size(); i++) {
            try {
                directors.get(i).applyReload(plans.get(i));
            } catch (IOException e) {
                LOG.error("reload: director {} could not take its new virtual services: {}; restart tandemd to "
                        + "apply director.cf as it is", directors.get(i).name(), e.getMessage());
                return new ReloadResult(false, "reload applied only in part: director " + directors.get(i).name()
                        + " could not take its new virtual services (" + e.getMessage() + "); restart tandemd");
            }
            directorChanges.addAll(plans.get(i).changes());
        }
        if (relog) {
            try {
                io.tandem.daemon.logging.LogSetup.apply(next.ha().logging(), node);
                LOG.info("reload: logging now follows {}", next.ha().logging());
            } catch (IOException e) {
                LOG.warn("reload: logging stays as it was: {}", e.getMessage());
            }
        }
        next.warnings().forEach(w -> LOG.warn("{}", w));
        String what = "active key " + next.authKeys().activeId() + " of " + next.authKeys().keys().keySet()
                + (next.ha().media().equals(running.ha().media()) ? "" : ", media " + next.ha().media().stream().map(m -> m.name()).toList())
                + (directorChanges.isEmpty() ? "" : ", " + String.join(", ", directorChanges));
        LOG.info("reload applied: {}", what);
        return new ReloadResult(true, "reload applied: " + what);
    }

    /** A VIP a reload adds to a group, at its position in the group's haresources line. */
    record VipAddition(String group, int position, VipSpec vip) {
    }

    /**
     * What haresources may change live: VIPs added to existing groups. Anything else (groups
     * added, removed, renamed or re-preferred; resources removed, reordered or other than VIPs
     * added) is described for the refusal; null when the change can be applied.
     */
    static String vipAdditions(List<ResourceGroupSpec> running, List<ResourceGroupSpec> next, List<VipAddition> out) {
        if (running.size() != next.size()) {
            return "haresources: groups were added or removed";
        }
        for (int g = 0; g < running.size(); g++) {
            ResourceGroupSpec a = running.get(g);
            ResourceGroupSpec b = next.get(g);
            if (!a.name().equals(b.name()) || !a.preferredNode().equals(b.preferredNode())) {
                return "haresources: group " + a.name() + " was renamed or changed its preferred node";
            }
            int i = 0;
            for (int j = 0; j < b.resources().size(); j++) {
                ResourceSpec r = b.resources().get(j);
                if (i < a.resources().size() && a.resources().get(i).equals(r)) {
                    i++;
                } else if (r instanceof VipSpec vip) {
                    out.add(new VipAddition(a.name(), j, vip));
                } else {
                    return "haresources: group " + a.name() + " changed beyond VIPs added (" + r.text() + ")";
                }
            }
            if (i != a.resources().size()) {
                return "haresources: group " + a.name() + " lost or reordered resources";
            }
        }
        return null;
    }

    /** The outcome of a reload. */
    public record ReloadResult(boolean ok, String message) {
        static ReloadResult refused(String why) {
            LOG.warn("reload refused, still running the previous config: {}", why);
            return new ReloadResult(false, "reload refused, still running the previous config: " + why);
        }
    }

    /** The control server asks through this. */
    java.util.function.Supplier<ReloadResult> reloader;

    /**
     * Heartbeat's {@code realtime on}: the core loop (heartbeats, liveness, decisions) and the
     * threads that move VIPs run SCHED_RR, above the JIT, the GC threads and any other process, and
     * memory is locked as it is touched. Without CAP_SYS_NICE this is logged and skipped.
     */
    private void goRealtime(EventLoop loop) throws Exception {
        try {
            Realtime.lockMemory();
        } catch (LinuxException e) {
            LOG.warn("could not lock memory ({}); heartbeats may wait for swap under memory pressure", e.getMessage());
        }
        try {
            // Every thread of the daemon that runs Java code (JGroups, Netty, timers) must reach a
            // safepoint promptly, or a GC pause waits behind the host's ordinary work and heartbeats
            // stall with it. Threads made from now on inherit this from their creators. The JIT's
            // compiler threads stay ordinary: they do not hold up safepoints, and compiling at
            // real-time priority would starve the rest of the host (the launcher makes them all at
            // start, -XX:-UseDynamicNumberOfCompilerThreads, so none is born real-time later).
            Realtime.enterRoundRobin(name -> !name.contains("CompilerThread"), BASE_PRIORITY);
        } catch (LinuxException e) {
            LOG.warn("daemon threads stay SCHED_OTHER: {}", e.getMessage());
        }
        Callable<String> core = () -> enterRoundRobin("core loop", CORE_PRIORITY);
        Callable<String> resources = () -> enterRoundRobin("resource thread", RESOURCE_PRIORITY);
        Callable<String> announcer = () -> enterRoundRobin("announcer thread", RESOURCE_PRIORITY);
        String a = loop.submit(core).get();
        String b = resourceThread.submit(resources).get();
        String c = announcerThread.submit(announcer).get();
        String vm;
        try {
            // A safepoint stops the core loop until the VM thread (and, for a collection, the GC
            // threads) finish: they must not wait behind ordinary processes either.
            vm = Realtime.enterRoundRobin(name -> name.equals("VM Thread") || name.startsWith("GC Thread"),
                    VM_PRIORITY) + " SCHED_RR " + VM_PRIORITY;
        } catch (LinuxException e) {
            vm = "JVM threads SCHED_OTHER (" + e.getMessage() + ")";
        }
        LOG.info("realtime scheduling: {}, {}, {}, {}", a, b, c, vm);
    }

    private static String enterRoundRobin(String what, int priority) {
        try {
            Realtime.enterRoundRobin(priority);
            return what + " SCHED_RR " + priority;
        } catch (LinuxException e) {
            LOG.warn("{} stays SCHED_OTHER: {}; a busy host may delay heartbeats", what, e.getMessage());
            return what + " SCHED_OTHER";
        }
    }

    /**
     * Graceful stop: release every group (VIPs leave the kernel), say goodbye to the peer so it
     * takes over at once, then close sockets and threads.
     */
    public void stop() {
        LOG.info("tandemd {} stopping: releasing all groups", node);
        if (metrics != null) {
            metrics.close();
        }
        if (control != null) {
            control.close();
        }
        if (cluster != null) {
            cluster.leave(TimeUnit.SECONDS.toNanos(10));
            if (membership != null) {
                membership.leave();
            }
            cluster.close();
        }
        if (loopGroup != null) {
            loopGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (resourceThread != null) {
            resourceThread.shutdown();
        }
        if (arpWatcher != null) {
            arpWatcher.close();
        }
        if (ping != null) {
            ping.close();
        }
        // After the groups are released: a director's forwarder is already stopped; its thread ends here.
        directors.forEach(Daemon::closeQuietly);
        if (probes != null) {
            probes.close();
        }
        hookThread.shutdown();
        closeQuietly(announcer);
        if (announcerThread != null) {
            announcerThread.shutdownNow();
        }
        closeQuietly(netlink);
        LOG.info("tandemd {} stopped", node);
    }

    /**
     * The connection sync stream of the {@code index}-th director resource: UDP 8848 (+ index) between
     * this node's and the peer's addresses on the first ucast heartbeat link (a VIP is never used as
     * the local address); null, with a warning, when there is no ucast link to sync over.
     */
    private io.tandem.sync.SyncConfig syncConfig(long generation, int index) throws IOException {
        UcastMedium link = config.ha().ucast().isEmpty() ? null : config.ha().ucast().get(0);
        if (link == null) {
            LOG.warn("no ucast heartbeat link: connections are not replicated to the peer (a failover resets them); "
                    + "add 'ucast DEV PEER' to ha.cf");
            return null;
        }
        java.util.Set<java.net.InetAddress> vips = new java.util.HashSet<>();
        config.groups().forEach(g -> g.resources().stream().filter(VipSpec.class::isInstance)
                .forEach(r -> vips.add(((VipSpec) r).address())));
        java.net.InterfaceAddress local = LocalAddresses.addressFacing(link.peer(), vips);
        if (local == null) {
            throw new IOException("ha.cf:" + link.line() + ": no address of this node on the subnet of ucast peer "
                    + link.peer().getHostAddress() + ": the connection sync has nothing to bind");
        }
        int port = io.tandem.sync.SyncCodec.DEFAULT_PORT + index;
        return io.tandem.sync.SyncConfig.of(new java.net.InetSocketAddress(local.getAddress(), port),
                new java.net.InetSocketAddress(link.peer(), port), generation);
    }

    /**
     * A real server's health changed: notify_command runs with {@code realserver VIRTUAL REAL up|down
     * NODE REASON} (group transitions give a group name first, never "realserver").
     */
    private void onRealServerHealth(String virtual, String real, boolean up, String reason) {
        List<String> notify = config.ha().policy().notifyCommand();
        if (notify.isEmpty() || resourceThread == null) {
            return;
        }
        List<String> cmd = new ArrayList<>(notify);
        cmd.addAll(List.of("realserver", virtual, real, up ? "up" : "down", node, reason));
        hookThread.execute(() -> {
            try {
                io.tandem.daemon.resources.BoundedCommand.run(cmd, NOTIFY_TIMEOUT_MILLIS, true);
            } catch (Exception e) {
                LOG.warn("notify_command for real server {} of {} ({}) failed: {}", real, virtual, up ? "up" : "down",
                        e.getMessage());
            }
        });
    }

    /**
     * Watches ARP on every IPv4 VIP's interface for another MAC answering for it, and learns the
     * peer's MAC from its own addresses there, so a split brain with all heartbeat links down but
     * the LAN up is still seen (and a misconfigured real server too).
     */
    private ArpWatcher startArpWatcher(List<VipSpec> vips, Map<String, String> groupOfVip) {
        ArpWatcher[] self = new ArpWatcher[1];
        ArpWatcher watcher = new ArpWatcher((ifName, vip, mac, fromPeer, gratuitous) -> {
            if (!fromPeer) {
                // Maybe the peer's MAC is simply not learnt yet: ask, so the next report can tell.
                self[0].probePeers();
            }
            cluster.onForeignArpClaim(groupOfVip.get(vip.getHostAddress()), vip.getHostAddress(), ifName, macText(mac),
                    fromPeer, gratuitous);
        });
        self[0] = watcher;
        for (VipSpec vip : vips) {
            if (!(vip.address() instanceof Inet4Address v4)) {
                continue;
            }
            try {
                String dev = addressTable.resolveDevice(vip);
                byte[] ourMac = Links.macAddress(dev);
                watcher.watchVip(dev, v4, ourMac);
                for (UcastMedium m : config.ha().ucast()) {
                    if (m.peer() instanceof Inet4Address peer) {
                        watcher.watchPeer(dev, peer, ourMac);
                    }
                }
            } catch (IOException e) {
                LOG.warn("not watching ARP for {}: {}; a split brain on its LAN will only be seen through heartbeats",
                        vip.text(), e.getMessage());
            }
        }
        return watcher;
    }

    private static String macText(byte[] mac) {
        StringBuilder sb = new StringBuilder();
        for (byte b : mac) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", c, e.getMessage());
            }
        }
    }

    /** {@code director} or Heartbeat's {@code ldirectord[::FILE]}: Tandem's own forwarding. */
    static boolean isDirector(NamedResourceSpec named) {
        return named.name().equals("director") || named.name().equals("ldirectord");
    }

    /** director.cf in the config directory, or the file named as ldirectord's argument (relative to it). */
    static Path directorFile(ClusterConfig config, NamedResourceSpec named) {
        return named.args().isEmpty() ? config.directory().resolve("director.cf")
                : config.directory().resolve(named.args().get(0));
    }

    /** The director forwards on the interface that carries the group's first VIP. */
    private String directorInterface(ResourceGroupSpec g) throws IOException {
        for (ResourceSpec spec : g.resources()) {
            if (spec instanceof VipSpec vip) {
                return addressTable.resolveDevice(vip);
            }
        }
        throw new IOException("haresources:" + g.line() + ": group " + g.name()
                + " has a director but no VIP; put the VIP it serves in the same group");
    }

    /**
     * Checks that every named resource of haresources can be found, before anything starts:
     * returns one file:line message per resource that cannot.
     */
    public static List<String> unresolvableResources(ClusterConfig config) {
        ResourceResolver resolver = new ResourceResolver(config.directory());
        List<String> out = new ArrayList<>();
        for (ResourceGroupSpec g : config.groups()) {
            for (ResourceSpec spec : g.resources()) {
                if (spec instanceof NamedResourceSpec named && isDirector(named)) {
                    String problem = DirectorResource.check(directorFile(config, named));
                    if (problem != null) {
                        out.add(problem);
                    }
                } else if (spec instanceof NamedResourceSpec named) {
                    try {
                        resolver.resolve(named);
                    } catch (IllegalArgumentException e) {
                        out.add(config.directory().resolve("haresources") + ":" + g.line() + ": " + e.getMessage());
                    }
                }
            }
        }
        return out;
    }
}
