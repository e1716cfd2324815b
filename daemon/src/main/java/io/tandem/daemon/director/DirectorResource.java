package io.tandem.daemon.director;

import io.tandem.config.ConfigException;
import io.tandem.config.DirectorCfParser;
import io.tandem.config.director.DirectorConfig;
import io.tandem.director.ForwardingEngine;
import io.tandem.director.RealServer;
import io.tandem.director.RealServerState;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.VirtualServiceState;
import io.tandem.director.conn.ConnectionTable;
import io.tandem.director.conn.TcpStates;
import io.tandem.director.forward.Forwarder;
import io.tandem.director.forward.ForwarderConfig;
import io.tandem.failover.Resource;
import io.tandem.health.CheckPlan;
import io.tandem.health.CheckType;
import io.tandem.health.CheckedServer;
import io.tandem.health.HealthMonitor;
import io.tandem.health.Probe;
import io.tandem.health.ServerStatus;
import io.tandem.sync.ConnectionSync;
import io.tandem.sync.SyncConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code director} (or {@code ldirectord::FILE}) resource of haresources: the virtual services
 * of director.cf, forwarded by Tandem's own data path while the group is held.
 *
 * <p>The forwarder (its services, connection table and thread) is built when the daemon starts,
 * on both directors, and lives until the daemon stops: the standby's engine keeps taking health
 * verdicts and synced connections, and a takeover only opens the rings and installs the nftables
 * table. Start and stop do just that.
 *
 * <p>Health checks run on both directors too, from start to stop of the daemon, so the standby's
 * engine knows which real servers are up before it takes over. A checked server counts as down
 * until its first check passes (as ldirectord adds servers once they answer); a verdict goes to
 * the forwarding thread at once and to the {@link HealthNotifier}.
 *
 * <p>With a sync peer, the connection table is replicated both ways ({@link ConnectionSync}, driven
 * by the forwarder's tick): a start waits (briefly) for the peer's full dump if this node has none
 * yet, and a stop flushes the stream — the peer has every connection before the VIP moves.
 */
public final class DirectorResource implements Resource, java.io.Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectorResource.class);
    /** 256k connections, about 27 MB of table: fits the daemon's heap next to everything else. */
    static final int CONNECTION_CAPACITY = 1 << 18;
    private static final long RATE_INTERVAL_MS = 2_000;
    /** How long a start waits for the peer's full dump when this node has none (a lone node starts anyway). */
    static final long BULK_WAIT_MS = 1_000;
    /** How long a stop waits for the peer to acknowledge every entry sent. */
    static final long FLUSH_MS = 1_000;
    /** The longest a healed partition holds packets of unknown connections while the sync catches up. */
    static final long MID_FLOW_HOLD_MS = 1_000;

    private final String name;
    private final Path directorCf;
    private final Forwarder forwarder;
    private final ServiceTable services;
    private volatile RateEstimator rates;
    private final String clientInterface;
    private final String serverInterface;
    private final ScheduledFuture<?> sampling;
    private List<VirtualService> running;
    private final HealthMonitor health;
    private final HealthNotifier notifier;
    private final ConnectionSync sync;
    /** ldirectord's emailalert=, or null when no check asks for mail. */
    private final io.tandem.health.EmailAlerter mail;
    /** When the peer came back (nanoTime), while the mid-flow hold waits for the sync; 0 otherwise. */
    private volatile long holdSinceNs;
    /** Checked server -> {service index, real index}; replaced on reload (monitor thread reads it). */
    private volatile Map<CheckedServer, int[]> positions;
    /** The checked servers as the monitor has them, in director.cf order. */
    private List<CheckedServer> checks;

    /** Told of every real server's health change (notify hook, e-mail alerts). */
    @FunctionalInterface
    public interface HealthNotifier {
        void onHealthChanged(String virtual, String real, boolean up, String reason);
    }

    /**
     * Reads director.cf and builds the idle forwarder on {@code clientInterface} (and on the
     * interface facing NAT real servers, if that is another).
     *
     * @param sampler runs the rate sampling every 2 s
     * @param probes  where the health checks run (shared by the daemon's director resources)
     * @param sync    the sync stream's addresses, or null for none; {@code keys} sign it
     */
    public DirectorResource(String name, Path directorCf, String clientInterface, ScheduledExecutorService sampler,
            Probe.Selector probes, HealthNotifier notifier, SyncConfig sync, io.tandem.config.AuthKeys keys)
            throws ConfigException, IOException {
        this.name = name;
        this.directorCf = directorCf;
        this.notifier = notifier;
        DirectorConfig config = DirectorCfParser.load(directorCf);
        this.running = DirectorServices.of(config);
        List<CheckedServer> plan = CheckPlan.from(config);
        ForwarderConfig fc = ForwarderConfig.oneArm(clientInterface).withConnectionCapacity(CONNECTION_CAPACITY);
        String serverInterface = DirectorServices.serverInterface(running, clientInterface);
        this.clientInterface = clientInterface;
        this.serverInterface = serverInterface;
        if (serverInterface != null) {
            fc = fc.withServerInterface(serverInterface);
        }
        this.services = new ServiceTable(running);
        this.forwarder = new Forwarder(fc, services, System::nanoTime);
        this.rates = new RateEstimator(services, System.nanoTime());
        this.checks = plan;
        this.positions = positions(plan, running);
        // Every checked server starts down, before the forwarding thread runs: nothing is sent to
        // a server nobody has seen answer. checktype=on servers are up without a check.
        for (Map.Entry<CheckedServer, int[]> e : positions.entrySet()) {
            if (e.getKey().check().type() != CheckType.ON) {
                services.service(e.getValue()[0]).onHealthChanged(e.getValue()[1], false);
            }
        }
        if (sync != null) {
            this.sync = new ConnectionSync(sync, keys, forwarder.engine(), System::nanoTime, null);
            forwarder.setTickListener(this::onTick);
        } else {
            this.sync = null;
        }
        forwarder.open();
        if (this.sync != null) {
            this.sync.start();
        }
        this.mail = plan.stream().anyMatch(c -> c.check().emailAlert() != null && !c.check().emailAlert().isBlank())
                ? emailAlerter(config) : null;
        this.health = new HealthMonitor(this::onHealthChanged, System::nanoTime, probes);
        health.start();
        health.update(plan);
        this.sampling = sampler.scheduleAtFixedRate(() -> rates.sample(System.nanoTime()), RATE_INTERVAL_MS,
                RATE_INTERVAL_MS, TimeUnit.MILLISECONDS);
        LOG.info("director {}: {} virtual service(s) from {} on {}{}", name, running.size(), directorCf,
                clientInterface, serverInterface == null ? "" : ", real servers on " + serverInterface);
    }

    /** Where each checked server sits in the service table: both lists are in director.cf's order. */
    private static Map<CheckedServer, int[]> positions(List<CheckedServer> plan, List<VirtualService> services) {
        Map<CheckedServer, int[]> out = new HashMap<>();
        int next = 0;
        for (int s = 0; s < services.size(); s++) {
            for (int r = 0; r < services.get(s).realServers().size(); r++) {
                out.put(plan.get(next++), new int[] {s, r});
            }
        }
        return out;
    }

    /** On the monitor's thread: hand the verdict to the forwarding thread, then tell the operator. */
    private void onHealthChanged(CheckedServer server, boolean up, String reason) {
        int[] at = positions.get(server);
        if (at == null) {
            return;
        }
        forwarder.execute(engine -> engine.services().service(at[0]).onHealthChanged(at[1], up));
        LOG.info("{}: real server {} of {} is {}: {}", name, server.realName(), server.virtualName(),
                up ? "UP" : "DOWN", reason);
        notifier.onHealthChanged(server.virtualName(), server.realName(), up, reason);
        if (mail != null) {
            mail.onHealthChanged(server, up, reason);
        }
    }

    /**
     * Mail goes through director.cf's {@code smtp=} (host[:port]), else the local MTA on
     * localhost:25 (ldirectord would run sendmail), from {@code emailalertfrom=}, else
     * tandem@HOSTNAME.
     */
    private static io.tandem.health.EmailAlerter emailAlerter(DirectorConfig config) {
        String smtp = config.globals().smtp();
        java.net.InetSocketAddress server;
        if (smtp == null || smtp.isBlank()) {
            server = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 25);
        } else {
            int colon = smtp.lastIndexOf(':');
            boolean hasPort = colon > 0 && smtp.indexOf(':') == colon;
            server = java.net.InetSocketAddress.createUnresolved(hasPort ? smtp.substring(0, colon) : smtp,
                    hasPort ? Integer.parseInt(smtp.substring(colon + 1)) : 25);
        }
        String from = config.globals().emailalertfrom();
        if (from == null || from.isBlank()) {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "localhost";
            }
            from = "tandem@" + host;
        }
        return new io.tandem.health.EmailAlerter(server, from, java.time.Duration.ofSeconds(10));
    }

    /** Parses and converts director.cf; the file:line error of the first problem, or null if it is fine. */
    public static String check(Path directorCf) {
        try {
            DirectorConfig config = DirectorCfParser.load(directorCf);
            DirectorServices.of(config);
            CheckPlan.from(config);
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void start() throws Exception {
        if (forwarder.isRunning()) {
            return;
        }
        if (sync != null && !sync.isSynchronised() && !sync.awaitSynchronised(BULK_WAIT_MS)) {
            LOG.warn("{}: no full connection dump from the sync peer {} within {} ms; forwarding with what this "
                    + "node knows (a peer that died takes its unsynced connections with it)", name, sync.config().peer(),
                    BULK_WAIT_MS);
            sync.abandonBulkRequest();
        }
        forwarder.start();
    }

    @Override
    public synchronized void stop() throws IOException {
        forwarder.stop();
        if (sync != null) {
            try {
                if (!sync.flush(FLUSH_MS)) {
                    LOG.warn("{}: the sync peer {} did not acknowledge every connection within {} ms of the stop; "
                            + "connections opened in the last moments may be reset after the hand-over", name,
                            sync.config().peer(), FLUSH_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Forwarding thread, every tick: the sync stream's work, then the end of a mid-flow hold. */
    private void onTick(long nowNs) {
        sync.onTick(nowNs);
        long since = holdSinceNs;
        if (since != 0 && sync.isCaughtUpSince(since)) {
            holdSinceNs = 0;
            forwarder.engine().releaseMidFlowHold();
            LOG.info("{}: the sync stream caught up with the peer {} ms after it came back; packets of unknown "
                    + "connections are scheduled again", name, (nowNs - since) / 1_000_000);
        }
    }

    /**
     * The peer is heard again after being dead (a partition healed). While apart it may have opened
     * connections this node does not know; their entries come through the sync stream within
     * moments. Until then (at most {@link #MID_FLOW_HOLD_MS}) a packet of a connection this node
     * does not know is dropped, not scheduled: TCP resends it, whereas a wrong guess would reset
     * it. Called on the core loop before the failover engine reacts to the peer's heartbeat.
     */
    public void onPeerRevived() {
        if (sync == null) {
            return;
        }
        long now = System.nanoTime();
        holdSinceNs = now;
        forwarder.engine().holdMidFlow(now + MID_FLOW_HOLD_MS * 1_000_000L);
    }

    /** Key rotation (reload): the sync stream signs with the new active key, accepts all listed. */
    public void updateKeys(io.tandem.config.AuthKeys keys) {
        if (sync != null) {
            sync.updateKeys(keys);
        }
    }

    @Override
    public boolean isRunning() {
        return forwarder.isRunning();
    }

    /** The forwarder, for the health checks and the sync stream to hand their work to. */
    public Forwarder forwarder() {
        return forwarder;
    }

    public Path file() {
        return directorCf;
    }

    @Override
    public void close() throws IOException {
        sampling.cancel(false);
        health.close();
        if (mail != null) {
            mail.close();
        }
        if (sync != null) {
            sync.close();
        }
        forwarder.close();
    }

    /** The services and real servers with their numbers, read without disturbing the forwarding thread. */
    public DirectorView view() {
        Map<Integer, ServerStatus> checks = new HashMap<>();
        Map<CheckedServer, int[]> at = positions;
        for (ServerStatus st : health.snapshot()) {
            int[] p = at.get(st.server());
            if (p != null) {
                checks.put(services.service(p[0]).realServer(p[1]).id(), st);
            }
        }
        List<DirectorView.ServiceView> out = new ArrayList<>();
        for (VirtualServiceState s : services.services()) {
            List<DirectorView.RealView> reals = new ArrayList<>();
            for (RealServerState r : s.realServers()) {
                reals.add(realView(r, checks.get(r.id())));
            }
            if (s.fallback() != null) {
                reals.add(realView(s.fallback(), null));
            }
            VirtualService spec = s.spec();
            int mask = spec.persistence().prefixLength();
            out.add(new DirectorView.ServiceView(spec.protocol().toString(), spec.address().getHostAddress(),
                    spec.port(), spec.scheduler().name().ipvsName(), spec.persistence().timeout().toSeconds(),
                    mask, spec.quiescent(), reals));
        }
        ConnectionTable table = forwarder.engine().connections();
        return new DirectorView(name, directorCf.toString(), forwarder.isRunning(), table.capacity(), table.size(), out,
                syncView());
    }

    /**
     * The connection sync stream's state, or null without one: volatile reads only, so the core
     * loop may ask (tandemctl status) without waiting for another thread.
     */
    public DirectorView.SyncView syncView() {
        return sync == null ? null : new DirectorView.SyncView(sync.config().local().toString(),
                sync.config().peer().toString(), sync.isSynchronised(), sync.counters().snapshot(System.nanoTime()));
    }

    private DirectorView.RealView realView(RealServerState r, ServerStatus check) {
        String health;
        String reason;
        if (check == null) {
            health = r.isFallback() ? "fallback" : "unchecked";
            reason = "";
        } else {
            health = check.up() ? "up" : "down";
            reason = check.lastReason() == null ? "not checked yet" : check.lastReason();
        }
        return new DirectorView.RealView(r.config().address().getHostAddress(), r.port(),
                r.forwarding().toString(), r.weight(), r.configuredWeight(), r.isMember(), r.isFallback(),
                r.activeConnections(), r.inactiveConnections(), r.persistentConnections(), r.connections(),
                r.inPackets(), r.outPackets(), r.inBytes(), r.outBytes(), rates.rates(r.id()), health, reason);
    }

    /**
     * Up to {@code limit} connection entries, read on the forwarding thread (at its next tick);
     * completes exceptionally if the thread is gone.
     */
    public CompletableFuture<List<DirectorView.ConnectionView>> connections(int limit) {
        CompletableFuture<List<DirectorView.ConnectionView>> result = new CompletableFuture<>();
        if (forwarder.failure() != null) {
            result.completeExceptionally(new IllegalStateException("forwarding thread failed: " + forwarder.failure()));
            return result;
        }
        forwarder.execute(engine -> result.complete(connectionsOf(engine, limit, System.nanoTime())));
        return result.orTimeout(5, TimeUnit.SECONDS);
    }

    private static List<DirectorView.ConnectionView> connectionsOf(ForwardingEngine engine, int limit, long nowNs) {
        ConnectionTable t = engine.connections();
        List<DirectorView.ConnectionView> out = new ArrayList<>();
        for (int e = t.nextInUse(-1); e != ConnectionTable.NONE && out.size() < limit; e = t.nextInUse(e)) {
            RealServerState server = engine.services().server(t.serverId(e));
            boolean tcp = t.protocol(e) == 6;
            boolean template = t.isTemplate(e);
            String state = template ? "NONE" : tcp ? TcpStates.name(t.state(e)) : "UDP";
            long expire = Math.max(0, (t.deadlineNs(e) - nowNs) / 1_000_000_000L);
            out.add(new DirectorView.ConnectionView(tcp ? "TCP" : "UDP", expire, state,
                    endpoint(t.clientHigh(e), t.clientLow(e), t.clientPort(e)),
                    endpoint(t.virtualHigh(e), t.virtualLow(e), t.virtualPort(e)),
                    endpoint(server.config().address(), server.port()), template, t.isSynced(e)));
        }
        return out;
    }

    private static String endpoint(long high, long low, int port) {
        return endpoint(io.tandem.director.IpAddresses.toInetAddress(high, low), port);
    }

    private static String endpoint(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** A checked change of director.cf, to apply with {@link #applyReload}. */
    public record ReloadPlan(List<VirtualService> next, List<VirtualService> added, List<CheckedServer> checks,
            List<String> changes) {
        public boolean isEmpty() {
            return changes.isEmpty();
        }
    }

    /**
     * Reads director.cf again and says what a reload would change: real servers' weights, health
     * checks, and virtual services added after the existing ones apply live; removing or editing
     * a virtual service (beyond weights) needs a restart of the daemon, and the exception says so
     * (nothing is applied then).
     */
    public synchronized ReloadPlan planReload() throws ConfigException {
        DirectorConfig config = DirectorCfParser.load(directorCf);
        List<VirtualService> next = DirectorServices.of(config);
        List<CheckedServer> checks = CheckPlan.from(config);
        List<String> changes = new ArrayList<>();
        boolean sameShape = next.size() >= running.size();
        List<VirtualService> added = sameShape ? List.copyOf(next.subList(running.size(), next.size())) : List.of();
        for (VirtualService v : added) {
            changes.add("virtual " + v.label() + " added");
        }
        try {
            String facing = DirectorServices.serverInterface(next, clientInterface);
            if (!java.util.Objects.equals(facing, serverInterface)) {
                throw new ConfigException(directorCf, 0, "the new virtual services need real servers on another "
                        + "interface (" + facing + " instead of " + serverInterface + "): that needs a restart of tandemd");
            }
        } catch (java.net.SocketException e) {
            throw new ConfigException(directorCf, 0, "cannot tell which interface faces the real servers: " + e.getMessage());
        }
        for (int i = 0; sameShape && i < running.size(); i++) {
            VirtualService a = running.get(i);
            VirtualService b = next.get(i);
            sameShape = withoutWeights(a).equals(withoutWeights(b));
            for (int r = 0; sameShape && r < a.realServers().size(); r++) {
                int wa = a.realServers().get(r).weight();
                int wb = b.realServers().get(r).weight();
                if (wa != wb) {
                    changes.add(a.label() + " real=" + a.realServers().get(r).label() + " weight " + wa + " -> " + wb);
                }
            }
        }
        if (!sameShape) {
            throw new ConfigException(directorCf, 0, "virtual services were removed, reordered or changed beyond"
                    + " real servers' weights: that needs a restart of tandemd (weights, checks and services added"
                    + " at the end of the file reload live)");
        }
        if (!checks.equals(this.checks)) {
            changes.add("health checks changed");
        }
        return new ReloadPlan(next, added, checks, changes);
    }

    private static VirtualService withoutWeights(VirtualService v) {
        List<RealServer> reals = v.realServers().stream()
                .map(r -> new RealServer(r.address(), r.port(), 0, r.forwarding())).toList();
        return new VirtualService(v.protocol(), v.address(), v.port(), v.scheduler(), v.persistence(), v.forwarding(),
                reals, v.fallback(), v.quiescent());
    }

    /** Applies a plan from {@link #planReload} on the forwarding thread: no connection is touched. */
    public synchronized void applyReload(ReloadPlan plan) throws IOException {
        List<VirtualService> next = plan.next();
        Map<CheckedServer, int[]> nextPositions = positions(plan.checks(), next);
        if (!plan.added().isEmpty()) {
            int firstAdded = running.size();
            forwarder.addServices(plan.added(), engine -> {
                // A new checked server is down until its first check passes, as at start-up.
                for (Map.Entry<CheckedServer, int[]> e : nextPositions.entrySet()) {
                    if (e.getValue()[0] >= firstAdded && e.getKey().check().type() != CheckType.ON) {
                        engine.services().service(e.getValue()[0]).onHealthChanged(e.getValue()[1], false);
                    }
                }
            });
            rates = new RateEstimator(services, System.nanoTime());
        }
        int existing = running.size();
        forwarder.execute(engine -> {
            for (int i = 0; i < existing; i++) {
                VirtualServiceState s = engine.services().service(i);
                List<RealServer> reals = next.get(i).realServers();
                for (int r = 0; r < reals.size(); r++) {
                    if (s.realServer(r).configuredWeight() != reals.get(r).weight()) {
                        s.setConfiguredWeight(r, reals.get(r).weight());
                    }
                }
            }
        });
        running = next;
        positions = nextPositions;
        checks = plan.checks();
        health.update(plan.checks());
        plan.changes().forEach(c -> LOG.info("director {}: reload: {}", name, c));
    }
}
