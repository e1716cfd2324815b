package io.tandem.daemon;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.tandem.config.ClusterConfig;
import io.tandem.config.FailoverPolicy;
import io.tandem.daemon.resources.BoundedCommand;
import io.tandem.failover.Claim;
import io.tandem.failover.Command;
import io.tandem.failover.CommandResult;
import io.tandem.failover.FailoverActions;
import io.tandem.failover.FailoverEngine;
import io.tandem.failover.GroupState;
import io.tandem.failover.GroupView;
import io.tandem.failover.PeerReport;
import io.tandem.failover.PeerStatus;
import io.tandem.failover.Resource;
import io.tandem.failover.Transition;
import io.tandem.heartbeat.GenerationStore;
import io.tandem.heartbeat.GroupClaim;
import io.tandem.heartbeat.HeartbeatCounters;
import io.tandem.heartbeat.HeartbeatMessage;
import io.tandem.heartbeat.HeartbeatTransport;
import io.tandem.heartbeat.NodeState;
import io.tandem.heartbeat.PeerLiveness;
import io.tandem.heartbeat.ReplayGuard;
import io.tandem.heartbeat.StallDetector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node in the pair: heartbeats out and in, peer liveness, and the failover engine, all owned
 * by one event-loop thread. Other threads talk to it through {@link #submit} style methods that
 * hop onto that loop.
 */
final class ClusterNode implements FailoverActions {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final int DEFAULT_PRIORITY = 100;
    private static final long FENCE_TIMEOUT_MILLIS = 60_000;
    private static final long NOTIFY_TIMEOUT_MILLIS = 30_000;
    /** Fence and notify commands: one at a time, in order, never on the core loop. */
    private final java.util.concurrent.ExecutorService hookThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tandem-hooks");
        t.setDaemon(true);
        return t;
    });
    /**
     * Neighbour-table repairs after a partition: never behind a group's start or stop (the resource
     * thread may be flushing the connection sync for a second then) nor behind a fence command.
     */
    private final java.util.concurrent.ExecutorService neighbourThread = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "tandem-neighbours");
                t.setDaemon(true);
                return t;
            });
    /** Held VIPs are announced again this often, so a neighbour that missed the takeover still learns. */
    private static final long GARP_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A probing peer gets at most one immediate answer this often. */
    private static final long PROBE_ANSWER_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private volatile ClusterConfig config;
    private final String self;
    private final String peer;
    private final long generation;
    private final Path stateDir;
    private final EventLoop loop;
    private final ExecutorService resourceThread;
    private final Map<String, GroupResources> groups;
    private final FailoverEngine engine;
    private final PeerLiveness liveness;
    private final StallDetector stalls;
    private final long tickNanos;
    private final long warntimeNanos;
    private long lastProbeNanos;
    private long lastProbeAnswerNanos;
    private long probesSent;
    private long probesAnswered;
    private final HeartbeatCounters counters = new HeartbeatCounters();
    private final ReplayGuard replayGuard = new ReplayGuard();
    private HeartbeatTransport transport;
    private volatile byte[] digest16;
    private final long keepaliveNanos;

    // State below is touched only on the loop thread.
    private long sequence;
    private long lastPeerSendTimeNanos;
    private long lastRoundTripNanos = -1;
    private InetSocketAddress lastPeerAddress;
    private long peerGeneration;
    private boolean configMismatchReported;
    private boolean configMatches = true;
    private boolean sendPending;
    private boolean leaving;
    private long claimsVersionSent = -1;
    private long claimsVersionFirstSentNanos;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private volatile MembershipLink membership;
    private volatile java.util.function.Consumer<Transition> transitionObserver = t -> { };

    ClusterNode(
            ClusterConfig config,
            String self,
            long generation,
            Path stateDir,
            EventLoop loop,
            ExecutorService resourceThread,
            Map<String, GroupResources> groups,
            List<FailoverEngine.GroupDef> defs) throws IOException {
        this.config = config;
        this.self = self;
        this.peer = config.ha().peerOf(self);
        this.generation = generation;
        this.stateDir = stateDir;
        this.loop = loop;
        this.resourceThread = resourceThread;
        this.groups = groups;
        this.digest16 = Arrays.copyOf(config.digest(), HeartbeatMessage.CONFIG_DIGEST_BYTES);
        this.keepaliveNanos = config.ha().keepalive().toNanos();
        this.engine = new FailoverEngine(self, peer, defs, config.ha().autoFailback(), this, System::currentTimeMillis);
        FailoverPolicy policy = config.ha().policy();
        engine.configure(!policy.pingNodes().isEmpty(), !policy.fenceCommand().isEmpty(),
                policy.autoFailbackDelay().toNanos());
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(keepaliveNanos / 4, TimeUnit.MILLISECONDS.toNanos(10)));
        this.stalls = new StallDetector(self, tickNanos, keepaliveNanos);
        this.warntimeNanos = config.ha().warntime().toNanos();
        this.liveness = new PeerLiveness(config.ha().warntime().toNanos(), config.ha().deadtime().toNanos(),
                config.ha().initdead().toNanos(), stalls);
        this.peerGeneration = GenerationStore.readPeerGeneration(stateDir, peer);
        if (peerGeneration > 0) {
            // A datagram from an earlier boot of the peer, replayed at us after our own restart, stays old.
            replayGuard.seed(peer, peerGeneration);
        }
    }

    /**
     * Maintenance survives a restart: the engine starts frozen, and groups whose resources are all
     * still up are adopted as active without being touched. Called before {@link #start}.
     */
    void restoreMaintenance(MaintenanceStore.State state) throws Exception {
        loop.submit(() -> {
            engine.restoreMaintenance(state.on(), state.epoch());
            if (!state.on()) {
                return;
            }
            for (Map.Entry<String, GroupResources> e : groups.entrySet()) {
                boolean allUp = !e.getValue().resources().isEmpty()
                        && e.getValue().resources().stream().allMatch(Resource::isRunning);
                if (allUp) {
                    engine.adoptRunning(e.getKey(), System.nanoTime());
                }
            }
        }).sync();
    }

    /**
     * Applies a validated new config whose differences reload can take live (the caller checked):
     * keys and media in the heartbeat transport, the config digest the peer compares. Called off
     * the core loop, since rebinding media blocks.
     */
    void applyReload(ClusterConfig next) throws IOException {
        transport.updateKeys(next.authKeys());
        if (!next.ha().media().equals(config.ha().media())) {
            transport.updateMedia(next.ha().media());
        }
        byte[] nextDigest = Arrays.copyOf(next.digest(), HeartbeatMessage.CONFIG_DIGEST_BYTES);
        loop.execute(() -> {
            config = next;
            digest16 = nextDigest;
            // Tell the peer now: its status shows at once whether our configs match again.
            claimsChanged();
        });
    }

    ClusterConfig config() {
        return config;
    }

    /** Binds the heartbeat socket (on the caller's thread, not the loop) and starts the timers. */
    void start(io.netty.channel.EventLoopGroup loopGroup) throws Exception {
        transport = HeartbeatTransport.builder()
                .config(config.ha(), self)
                .authKeys(config.authKeys())
                .eventLoopGroup(loopGroup)
                .replayGuard(replayGuard)
                .counters(counters)
                .stallDetector(stalls)
                .listener(this::onHeartbeat)
                .bind();
        loop.submit(() -> {
            long now = System.nanoTime();
            liveness.start(now);
            sendNow();
            timers.add(loop.scheduleAtFixedRate(this::sendNow, keepaliveNanos, keepaliveNanos, TimeUnit.NANOSECONDS));
            timers.add(loop.scheduleAtFixedRate(this::checkPeer, tickNanos, tickNanos, TimeUnit.NANOSECONDS));
            timers.add(loop.scheduleAtFixedRate(this::keepHeldVipsAnnounced, GARP_REFRESH_NANOS, GARP_REFRESH_NANOS,
                    TimeUnit.NANOSECONDS));
        }).sync();
    }

    // ------------------------------------------------------------------ heartbeat in

    private void onHeartbeat(HeartbeatMessage m, InetSocketAddress from, long receivedNanos) {
        lastPeerAddress = from;
        lastPeerSendTimeNanos = m.sendTimeNanos();
        long echo = m.echoTimeNanos();
        if (echo == 0 || receivedNanos - echo - warntimeNanos > 0) {
            // The peer has not heard us for warntime (its echo of our send time is that old): it is
            // probing. Answer at once rather than at the next keepalive.
            answerProbe(receivedNanos);
        }
        if (m.echoTimeNanos() != 0) {
            lastRoundTripNanos = receivedNanos - m.echoTimeNanos();
        }
        if (m.generation() != peerGeneration) {
            if (peerGeneration != 0) {
                LOG.info("peer {} restarted: generation {} -> {}", peer, peerGeneration, m.generation());
            }
            peerGeneration = m.generation();
            try {
                GenerationStore.writePeerGeneration(stateDir, peer, peerGeneration);
            } catch (IOException e) {
                LOG.warn("could not record peer {} generation {} in {}: {}", peer, peerGeneration, stateDir, e.getMessage());
            }
        }
        boolean matches = Arrays.equals(digest16, m.configDigest());
        if (matches != configMatches || (!matches && !configMismatchReported)) {
            if (!matches) {
                LOG.warn("peer {} runs a different config (ha.cf/haresources digest differs); "
                        + "compare /etc/tandem on both directors", peer);
                configMismatchReported = true;
            } else {
                LOG.info("peer {} config now matches ours", peer);
                configMismatchReported = false;
            }
            configMatches = matches;
        }
        if (m.state() == NodeState.LEAVING) {
            liveness.onLeaving(receivedNanos);
        } else {
            liveness.onHeartbeat(receivedNanos);
        }
        Map<String, Claim> claims = new LinkedHashMap<>();
        for (GroupClaim c : m.groups()) {
            claims.put(c.group(), new Claim(c.holding(), c.wants(), c.yields()));
        }
        boolean wasDead = engine.peerStatus() == PeerStatus.DEAD;
        if (wasDead) {
            // Before the engine reacts (and maybe re-announces a VIP): see DirectorResource.onPeerRevived.
            peerRevived.run();
        }
        engine.onPeerReport(new PeerReport(m.state() == NodeState.LEAVING, claims, ackedClaimsVersion(m), m.maintenance(),
                m.maintenanceEpoch(), m.priority()), receivedNanos);
        if (wasDead && engine.peerStatus() == PeerStatus.ALIVE) {
            refreshPeerNeighbours();
        }
    }

    /**
     * The peer is heard again after a silence (a cable back in, a partition healed). While it was
     * gone our kernel's neighbour entry for it failed, and the kernel retries resolution only once a
     * second: our heartbeats (and our goodbye, were we stopped now) would be lost until then. Flushing
     * the entry makes the next datagram resolve the peer at once.
     */
    private void refreshPeerNeighbours() {
        for (io.tandem.config.UcastMedium m : config.ha().ucast()) {
            String ip = m.peer().getHostAddress();
            Runnable flush = () -> {
                try {
                    BoundedCommand.run(List.of("ip", "neigh", "flush", "to", ip), 2_000, false);
                } catch (Exception e) {
                    LOG.debug("flushing the neighbour entry of {}: {}", ip, e.getMessage());
                }
            };
            neighbourThread.execute(flush);
            // Links often come back one after the other: the peer is heard on the first while the
            // entry on the next fails once more. A second flush a moment later catches that one.
            loop.schedule(() -> neighbourThread.execute(flush), 300, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The peer echoes the send time of the last heartbeat it got from us; if that heartbeat carried
     * our current claims (or newer), the peer's report already reflects them.
     */
    private long ackedClaimsVersion(HeartbeatMessage m) {
        long current = engine.claimsVersion();
        boolean seen = claimsVersionSent == current && m.echoTimeNanos() - claimsVersionFirstSentNanos >= 0
                && m.echoTimeNanos() != 0;
        return seen ? current : current - 1;
    }

    private void keepHeldVipsAnnounced() {
        for (GroupView g : engine.groups()) {
            if (g.state() == GroupState.ACTIVE) {
                GroupResources rs = groups.get(g.name());
                resourceThread.execute(rs::keepVipsAnnounced);
            }
        }
    }

    /** Every transition is also told to {@code observer} (on the core loop; it must be quick): the metrics count them. */
    void observeTransitions(java.util.function.Consumer<Transition> observer) {
        this.transitionObserver = observer;
    }

    void attach(MembershipLink link) {
        this.membership = link;
    }

    /** The membership channel says the peer left with a goodbye (JGroups thread). */
    void onPeerLeftGracefully(String who) {
        if (!who.equals(peer)) {
            return;
        }
        loop.execute(() -> {
            long now = System.nanoTime();
            liveness.onLeaving(now);
            engine.onPeerLeft("peer " + peer + " left the membership channel (graceful stop)", now);
        });
    }

    /** ARP shows another MAC answering for one of our VIPs (watcher thread). */
    void onForeignArpClaim(String group, String vip, String ifName, String mac, boolean fromPeer, boolean gratuitous) {
        loop.execute(() -> {
            long now = System.nanoTime();
            if (fromPeer) {
                if (gratuitous) {
                    engine.onPeerSeenHolding(group, now);
                } else if (engine.stateOf(group) == GroupState.ACTIVE) {
                    // The peer's kernel still has the VIP (its daemon died without cleaning up): make
                    // sure neighbours keep our MAC.
                    LOG.warn("peer {}'s kernel answers ARP for VIP {} on {} although we hold it (its daemon died "
                            + "without removing it?); re-announcing", peer, vip, ifName);
                    refreshGroup(group);
                }
            } else {
                LOG.error("ARP conflict: {} (not the peer director) answers for VIP {} on {}: a real server with the "
                        + "VIP on lo but without arp_ignore=1/arp_announce=2? {}", mac, vip, ifName,
                        engine.stateOf(group) == GroupState.ACTIVE ? "re-announcing" : "this node does not hold it");
                if (engine.stateOf(group) == GroupState.ACTIVE) {
                    refreshGroup(group);
                }
            }
        });
    }

    private void checkPeer() {
        long now = System.nanoTime();
        engine.onTick(now);
        transport.peerLinks().check(now);
        probeIfSilent(now);
        switch (liveness.check(now)) {
            case DEAD -> {
                if (engine.peerStatus() != PeerStatus.DEAD) {
                    String reason = liveness.everHeard()
                            ? "no heartbeat from " + peer + " for " + TimeUnit.NANOSECONDS.toMillis(now - liveness.lastHeardNanos())
                                    + "ms (deadtime " + config.ha().deadtime().toMillis() + "ms)"
                            : "peer " + peer + " not heard within initdead " + config.ha().initdead().toMillis() + "ms";
                    engine.onPeerDead(reason, now);
                }
            }
            case LATE -> LOG.warn("late heartbeat from {}: nothing for {}ms (warntime {}ms, deadtime {}ms)", peer,
                    TimeUnit.NANOSECONDS.toMillis(now - liveness.lastHeardNanos()), config.ha().warntime().toMillis(),
                    config.ha().deadtime().toMillis());
            default -> {
            }
        }
    }

    /**
     * Silence is suspicion, not yet death: once nothing has arrived for warntime, every tick sends a
     * heartbeat, which carries our stale echo of the peer's send time; a live peer sees that and
     * answers at once ({@link #answerProbe}). With 10 ms ticks that is about ten round trips before
     * deadtime, so random loss on the link almost never adds up to a false death.
     */
    private void probeIfSilent(long now) {
        if (engine.peerStatus() != PeerStatus.ALIVE || !liveness.everHeard()) {
            return;
        }
        if (now - liveness.lastHeardNanos() - warntimeNanos > 0 && now - lastProbeNanos - tickNanos >= 0) {
            lastProbeNanos = now;
            probesSent++;
            sendNow();
        }
    }

    private void answerProbe(long now) {
        if (now - lastProbeAnswerNanos - PROBE_ANSWER_SPACING_NANOS >= 0) {
            lastProbeAnswerNanos = now;
            probesAnswered++;
            sendNow();
        }
    }

    // ------------------------------------------------------------------ heartbeat out

    private void sendNow() {
        sendPending = false;
        if (transport == null) {
            return; // not bound yet: the first heartbeat goes out from start()
        }
        long now = System.nanoTime();
        long version = engine.claimsVersion();
        if (version != claimsVersionSent) {
            claimsVersionSent = version;
            claimsVersionFirstSentNanos = now;
        }
        List<GroupClaim> claims = new ArrayList<>();
        for (Map.Entry<String, Claim> e : engine.claims().entrySet()) {
            Claim c = e.getValue();
            claims.add(new GroupClaim(e.getKey(), c.holding(), c.wants(), c.yields()));
        }
        NodeState state = leaving && engine.readyToLeave() ? NodeState.LEAVING
                : engine.peerStatus() == PeerStatus.UNKNOWN ? NodeState.STARTING : NodeState.RUNNING;
        // With ping nodes the priority field carries the ping score (Heartbeat's pingd did the same with scores).
        int priority = config.ha().policy().pingNodes().isEmpty() ? DEFAULT_PRIORITY : engine.pingScore();
        transport.send(new HeartbeatMessage(config.ha().clusterName(), self, generation, ++sequence, now,
                lastPeerSendTimeNanos, state, priority, digest16, claims, engine.maintenance(), engine.maintenanceEpoch()));
    }

    @Override
    public void claimsChanged() {
        if (!sendPending) {
            sendPending = true;
            loop.execute(this::sendNow);
        }
    }

    // ------------------------------------------------------------------ resources

    @Override
    public void startGroup(String group) {
        GroupResources rs = groups.get(group);
        resourceThread.execute(() -> {
            Throwable failure = rs.startAll();
            loop.execute(() -> engine.onGroupStarted(group, failure, System.nanoTime()));
        });
    }

    @Override
    public void stopGroup(String group) {
        GroupResources rs = groups.get(group);
        resourceThread.execute(() -> {
            Throwable failure = rs.stopAll();
            loop.execute(() -> engine.onGroupStopped(group, failure, System.nanoTime()));
        });
    }

    @Override
    public void fencePeer(String who) {
        List<String> cmd = new ArrayList<>(config.ha().policy().fenceCommand());
        cmd.add(who);
        hookThread.execute(() -> {
            String detail;
            boolean ok;
            try {
                BoundedCommand.run(cmd, FENCE_TIMEOUT_MILLIS, true);
                ok = true;
                detail = String.join(" ", cmd) + " succeeded";
            } catch (Exception e) {
                ok = false;
                detail = e.getMessage();
            }
            boolean result = ok;
            String why = detail;
            loop.execute(() -> engine.onFenceResult(result, why, System.nanoTime()));
        });
    }

    private volatile Runnable peerRevived = () -> { };

    /** Runs {@code hook} on the core loop whenever the peer is heard again after it was dead. */
    void onPeerRevived(Runnable hook) {
        this.peerRevived = hook;
    }

    /** Runs notify_command for every transition, off the core loop; a failing hook is logged, never fatal. */
    @Override
    public void onTransition(Transition t) {
        transitionObserver.accept(t);
        List<String> notify = config.ha().policy().notifyCommand();
        if (notify.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>(notify);
        cmd.addAll(List.of(t.group(), t.to().label(), self, t.reason()));
        hookThread.execute(() -> {
            try {
                BoundedCommand.run(cmd, NOTIFY_TIMEOUT_MILLIS, true);
            } catch (Exception e) {
                LOG.warn("notify_command for group {} -> {} failed: {}", t.group(), t.to().label(), e.getMessage());
            }
        });
    }

    /** The ping monitor's latest score (its own thread). */
    void onPingScore(int score) {
        loop.execute(() -> {
            boolean changed = score != engine.pingScore();
            engine.onPingScore(score, System.nanoTime());
            if (changed) {
                claimsChanged();
            }
        });
    }

    /**
     * {@code tandemctl garp [VIP]}: announces again, now, every VIP of the groups this node holds
     * (or only {@code vip}), garp_count frames garp_interval apart as on takeover, and puts a VIP
     * back in the kernel if something removed it. Refused when this node holds no group, or does
     * not hold {@code vip}. Completes once the first frame of each announcement is out.
     *
     * @param vip an address literal, or null for all held VIPs
     */
    CompletableFuture<CommandOutcome> announceVips(java.net.InetAddress vip) {
        CompletableFuture<CommandOutcome> done = new CompletableFuture<>();
        loop.execute(() -> {
            List<VipResource> chosen = new ArrayList<>();
            List<String> heldHere = new ArrayList<>();
            for (GroupView g : engine.groups()) {
                for (Resource r : groups.get(g.name()).resources()) {
                    if (!(r instanceof VipResource v)) {
                        continue;
                    }
                    boolean named = vip == null || v.vip().address().equals(vip);
                    if (g.state() == GroupState.ACTIVE) {
                        heldHere.add(v.vip().address().getHostAddress());
                        if (named) {
                            chosen.add(v);
                        }
                    } else if (named && vip != null) {
                        done.complete(new CommandOutcome(false, "VIP " + vip.getHostAddress() + " belongs to group "
                                + g.name() + ", which is " + g.state().label() + " on " + self
                                + ": only the node that holds a VIP announces it"));
                        return;
                    }
                }
            }
            if (chosen.isEmpty()) {
                done.complete(new CommandOutcome(false, vip == null
                        ? self + " holds no VIP (state " + engine.nodeState() + "); run garp on the node that holds them"
                        : vip.getHostAddress() + " is not a VIP of this cluster; " + self + " holds " + heldHere));
                return;
            }
            List<String> names = chosen.stream().map(v -> v.vip().address().getHostAddress()).toList();
            LOG.info("operator garp: announcing {} again", names);
            int count = config.ha().garpCount();
            long intervalMs = config.ha().garpInterval().toMillis();
            resourceThread.execute(() -> {
                List<String> failures = new ArrayList<>();
                for (VipResource v : chosen) {
                    try {
                        v.refresh();
                    } catch (Exception e) {
                        failures.add(v.name() + ": " + e.getMessage());
                    }
                }
                done.complete(failures.isEmpty()
                        ? new CommandOutcome(true, self + " announces " + names + " again: " + count + " x gratuitous ARP"
                                + " (unsolicited NA for IPv6) " + intervalMs + "ms apart")
                        : new CommandOutcome(false, "could not announce " + String.join("; ", failures)));
            });
        });
        return done;
    }

    @Override
    public void refreshGroup(String group) {
        GroupResources rs = groups.get(group);
        resourceThread.execute(rs::refreshAll);
    }

    // ------------------------------------------------------------------ operator

    /** Runs an operator command on the loop; completes when the move is done, refused or timed out. */
    CompletableFuture<CommandOutcome> command(Command command, String group, long timeoutNanos) {
        CompletableFuture<CommandOutcome> done = new CompletableFuture<>();
        loop.execute(() -> {
            long start = System.nanoTime();
            CommandResult r = engine.onCommand(command, group, start);
            if (!r.accepted()) {
                done.complete(new CommandOutcome(false, r.message()));
                return;
            }
            Map<String, GroupState> targets = new LinkedHashMap<>();
            Map<String, String> preferred = new LinkedHashMap<>();
            engine.groups().forEach(g -> preferred.put(g.name(), g.preferredNode()));
            for (String g : r.groups()) {
                boolean hold = command == Command.TAKEOVER || (command == Command.FAILBACK && self.equals(preferred.get(g)));
                targets.put(g, hold ? GroupState.ACTIVE : GroupState.STANDBY);
            }
            BooleanSupplier settled = () -> {
                for (Map.Entry<String, GroupState> t : targets.entrySet()) {
                    if (engine.stateOf(t.getKey()) != t.getValue()) {
                        return false;
                    }
                }
                return true;
            };
            whenSettled(settled, start, timeoutNanos, done, command, r.groups());
        });
        return done;
    }

    private void whenSettled(BooleanSupplier settled, long start, long timeoutNanos,
            CompletableFuture<CommandOutcome> done, Command command, List<String> groupNames) {
        long now = System.nanoTime();
        long ms = TimeUnit.NANOSECONDS.toMillis(now - start);
        String verb = switch (command) {
            case TAKEOVER -> "took over";
            case STANDBY -> "handed over";
            case FAILBACK -> "moved to their preferred nodes";
        };
        if (settled.getAsBoolean()) {
            done.complete(new CommandOutcome(true, self + " " + verb + " " + groupNames + " in " + ms + " ms"));
        } else if (now - start - timeoutNanos > 0) {
            done.complete(new CommandOutcome(false, self + " has not " + verb + " " + groupNames + " after " + ms
                    + " ms; see 'tandemctl status' for each group's state and reason"));
        } else {
            loop.schedule(() -> whenSettled(settled, start, timeoutNanos, done, command, groupNames), 2, TimeUnit.MILLISECONDS);
        }
    }

    /** Switches maintenance mode on or off, here and (through the heartbeat) on the peer. */
    CompletableFuture<CommandOutcome> maintenance(boolean on) {
        CompletableFuture<CommandOutcome> done = new CompletableFuture<>();
        loop.execute(() -> {
            engine.onMaintenance(on, "operator on " + self, System.nanoTime());
            done.complete(new CommandOutcome(true, on
                    ? "maintenance mode ON: nothing moves, whatever happens, until 'tandemctl maintenance off'"
                    : "maintenance mode off: automatic failover is back"));
        });
        return done;
    }

    /** The recent transitions, oldest first. */
    CompletableFuture<List<Transition>> history() {
        CompletableFuture<List<Transition>> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(engine.history()));
        return f;
    }

    @Override
    public void onMaintenanceChanged(boolean on, long epoch) {
        try {
            MaintenanceStore.write(stateDir, on, epoch);
        } catch (IOException e) {
            LOG.error("could not record maintenance mode {} in {}: {}; a restart would forget it", on ? "on" : "off",
                    stateDir, e.getMessage());
        }
    }

    /** What an operator command ended in. */
    record CommandOutcome(boolean ok, String message) {
    }

    /** A consistent picture of this node, taken on the loop. */
    CompletableFuture<StatusSnapshot> status() {
        CompletableFuture<StatusSnapshot> f = new CompletableFuture<>();
        // Asking a resource whether it runs may block (a netlink dump, a status script): that
        // happens on the resource thread, never on the loop that sends and judges heartbeats.
        CompletableFuture.supplyAsync(this::resourceViews, resourceThread).whenComplete((resources, t) -> {
            if (t != null) {
                f.completeExceptionally(t);
                return;
            }
            loop.execute(() -> {
                try {
                    f.complete(snapshot(resources));
                } catch (RuntimeException e) {
                    // The operator gets an answer, whatever went wrong.
                    f.completeExceptionally(e);
                }
            });
        });
        return f;
    }

    private List<StatusSnapshot.ResourceView> resourceViews() {
        List<StatusSnapshot.ResourceView> resources = new ArrayList<>();
        for (Map.Entry<String, GroupResources> e : groups.entrySet()) {
            for (Resource r : e.getValue().resources()) {
                resources.add(new StatusSnapshot.ResourceView(e.getKey(), r.name(), r.isRunning()));
            }
        }
        return resources;
    }

    private String peerReason() {
        return switch (engine.fenceState()) {
            case RUNNING -> engine.peerStatusReason() + "; fencing it now";
            case FAILED -> engine.peerStatusReason() + "; FENCING FAILED: " + engine.fenceDetail() + " (not taking over)";
            case DONE -> engine.peerStatusReason() + "; fenced: " + engine.fenceDetail();
            case NOT_NEEDED -> engine.peerStatusReason();
        };
    }

    private StatusSnapshot snapshot(List<StatusSnapshot.ResourceView> resources) {
        long now = System.nanoTime();
        List<GroupView> gv = engine.groups();
        Map<String, Long> hbCounters = new LinkedHashMap<>(counters.snapshot());
        hbCounters.put("probes_sent", probesSent);
        hbCounters.put("probes_answered", probesAnswered);
        return new StatusSnapshot(self, engine.nodeState(), engine.maintenance(), generation, peer,
                engine.peerStatus() == PeerStatus.ALIVE, engine.peerStatus().label(), peerReason(),
                liveness.everHeard() ? TimeUnit.NANOSECONDS.toMillis(now - liveness.lastHeardNanos()) : -1,
                lastRoundTripNanos < 0 ? -1 : lastRoundTripNanos / 1000, lastPeerAddress == null ? null
                        : lastPeerAddress.getAddress().getHostAddress(),
                configMatches, gv, resources, hbCounters, engine.transitionCount(),
                membership == null ? List.of() : membership.members(),
                membership == null ? 0 : membership.rejectedMessages(),
                membership == null ? "not started" : membership.problem(),
                transport == null ? List.of() : transport.linkStatus(), stalls.stalls(),
                stalls.longestStallNanos() / 1_000_000);
    }

    // ------------------------------------------------------------------ shutdown

    /** Releases everything and says goodbye; waits at most {@code timeoutNanos}. */
    void leave(long timeoutNanos) {
        CompletableFuture<Void> released = new CompletableFuture<>();
        loop.execute(() -> {
            leaving = true;
            engine.onShutdown(System.nanoTime());
            pollReleased(released);
        });
        try {
            released.get(timeoutNanos, TimeUnit.NANOSECONDS);
            // The goodbye is a datagram: say it a few times so one loss does not cost a deadtime.
            loop.submit(() -> {
                for (int i = 0; i < 3; i++) {
                    sendNow();
                }
            }).sync();
        } catch (Exception e) {
            LOG.error("could not release all groups within {} ms while stopping: {}; the peer will take over "
                    + "after deadtime", TimeUnit.NANOSECONDS.toMillis(timeoutNanos), e.toString());
        }
    }

    private void pollReleased(CompletableFuture<Void> released) {
        if (engine.readyToLeave()) {
            released.complete(null);
        } else {
            loop.schedule(() -> pollReleased(released), 1, TimeUnit.MILLISECONDS);
        }
    }

    void close() {
        try {
            loop.submit(() -> timers.forEach(t -> t.cancel(false))).sync();
        } catch (Exception e) {
            LOG.debug("cancelling timers: {}", e.toString());
        }
        if (transport != null) {
            transport.close();
        }
        hookThread.shutdown();
        neighbourThread.shutdown();
    }

    /** Where heartbeats go, for the start-up log line. */
    List<String> media() {
        List<String> out = new ArrayList<>();
        config.ha().media().forEach(m -> out.add(m.name()));
        return out;
    }
}
