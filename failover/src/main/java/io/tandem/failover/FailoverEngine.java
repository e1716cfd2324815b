package io.tandem.failover;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster brain of one node: decides, from the peer's liveness, the peer's claims and operator
 * commands, which resource groups this node should hold, and drives each group's state machine.
 *
 * <p>Not thread-safe by design: one thread (the daemon's core loop) makes every call. Time comes in
 * as {@code nowNanos}; the engine never reads a clock for decisions.
 *
 * <h2>How two nodes agree without a coordinator</h2>
 * Every heartbeat carries, per group, a {@link Claim}: holding, wants, yields. Each node evaluates
 * the same symmetric rule over its own claim and the peer's:
 * <ol>
 *   <li>Peer dead → hold everything (that did not fail). Peer not yet heard within initdead → hold
 *       nothing.</li>
 *   <li>Both hold (split brain) → the one that wants it keeps it, else the one not yielding, else
 *       the preferred node.</li>
 *   <li>Peer holds → do not start. A node never starts a group while the peer reports holding it,
 *       so a planned hand-over always stops on one side before it starts on the other.</li>
 *   <li>We hold → keep it unless we yield (standby), the peer wants it (takeover on the peer), or
 *       {@code auto_failback} returns it to the preferred peer.</li>
 *   <li>Nobody holds → the node that wants it, else the one not yielding, else the preferred
 *       node.</li>
 * </ol>
 * A node that lets go because the peer wants the group starts yielding it, so the decision is
 * stable once the peer holds it. Claims change only on this thread and are sent at once through
 * {@link FailoverActions#claimsChanged()}, which is what makes a planned hand-over take one round
 * trip instead of a deadtime.
 */
public final class FailoverEngine {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverEngine.class);
    private static final int HISTORY_LIMIT = 200;

    /** A group as configured: its name and the node that prefers it. */
    public record GroupDef(String name, String preferredNode) {
    }

    private static final class Group {
        final String name;
        final String preferredNode;
        final boolean preferredIsSelf;
        GroupState state = GroupState.STANDBY;
        long sinceNanos;
        long sinceEpochMillis;
        String reason = "start-up";
        boolean wants;
        boolean yields;
        boolean splitBrain;
        /** Until when (nanos) ARP showed the peer answering for this group while heartbeats said dead; 0 = never. */
        long peerSeenUntilNanos;
        boolean peerSeen;
        long lastArpRefreshNanos;
        boolean arpRefreshed;

        Group(String name, String preferredNode, boolean preferredIsSelf) {
            this.name = name;
            this.preferredNode = preferredNode;
            this.preferredIsSelf = preferredIsSelf;
        }
    }

    private final String self;
    private final String peer;
    private final boolean autoFailback;
    private final FailoverActions actions;
    private final LongSupplier epochMillis;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Deque<Transition> history = new ArrayDeque<>();

    private PeerStatus peerStatus = PeerStatus.UNKNOWN;
    private String peerStatusReason = "not heard yet";
    private long peerStatusSinceEpochMillis;
    private PeerReport lastReport = new PeerReport(false, Map.of(), 0);
    private long transitionCount;
    private long claimsVersion;
    private long arpEvidenceNanos = 15_000_000_000L;
    private boolean pingConfigured;
    private boolean fencingConfigured;
    private long autoFailbackDelayNanos;
    private int ownPingScore;
    private long peerAliveSinceNanos;
    private FenceState fence = FenceState.NOT_NEEDED;
    private String fenceDetail = "";

    /** Where fencing of a dead peer stands. */
    public enum FenceState {
        /** The peer is alive, or left with a goodbye, or fencing is not configured. */
        NOT_NEEDED,
        /** The fencing command runs: nothing is taken over until it succeeds. */
        RUNNING,
        /** The peer was fenced: taking over is safe. */
        DONE,
        /** The command failed: this node does not take over, and says why. */
        FAILED
    }
    private boolean maintenance;
    private long maintenanceEpoch;
    private boolean shuttingDown;

    public FailoverEngine(
            String self,
            String peer,
            List<GroupDef> groupDefs,
            boolean autoFailback,
            FailoverActions actions,
            LongSupplier epochMillis) {
        this.self = self;
        this.peer = peer;
        this.autoFailback = autoFailback;
        this.actions = actions;
        this.epochMillis = epochMillis;
        long now = epochMillis.getAsLong();
        this.peerStatusSinceEpochMillis = now;
        for (GroupDef def : groupDefs) {
            Group g = new Group(def.name(), def.preferredNode(), def.preferredNode().equals(self));
            g.sinceEpochMillis = now;
            groups.put(def.name(), g);
        }
    }

    // ------------------------------------------------------------------ events

    /** An authentic heartbeat from the peer arrived. */
    public void onPeerReport(PeerReport report, long nowNanos) {
        lastReport = report;
        if (report.maintenanceEpoch() > maintenanceEpoch) {
            applyMaintenance(report.maintenance(), report.maintenanceEpoch(),
                    "switched " + (report.maintenance() ? "on" : "off") + " on peer " + peer);
        }
        if (report.leaving()) {
            if (peerStatus != PeerStatus.DEAD) {
                fence = FenceState.NOT_NEEDED;
                setPeerStatus(PeerStatus.DEAD, "peer " + peer + " is shutting down (graceful leave)");
            }
        } else if (peerStatus != PeerStatus.ALIVE) {
            setPeerStatus(PeerStatus.ALIVE, "heartbeat received");
            peerAliveSinceNanos = nowNanos;
            fence = FenceState.NOT_NEEDED;
        }
        for (Group g : groups.values()) {
            Claim theirs = report.claim(g.name);
            if (theirs.holding() && theirs.yields() && !g.state.holding() && g.yields) {
                // The holder is handing the group to us: our own older standby no longer applies.
                g.yields = false;
                claimsChanged();
            }
        }
        evaluateAll(nowNanos);
    }

    /** The heartbeat layer gave up on the peer (deadtime, or initdead at start-up): no goodbye. */
    public void onPeerDead(String reason, long nowNanos) {
        if (peerStatus == PeerStatus.DEAD) {
            return;
        }
        lastReport = new PeerReport(false, Map.of(), 0);
        setPeerStatus(PeerStatus.DEAD, reason);
        if (fencingConfigured) {
            fence = FenceState.RUNNING;
            fenceDetail = "";
            LOG.warn("fencing peer {} before taking anything over from it", peer);
            actions.fencePeer(peer);
        }
        evaluateAll(nowNanos);
    }

    /** The peer left with a goodbye (graceful stop): dead at once, and nothing to fence. */
    public void onPeerLeft(String reason, long nowNanos) {
        if (peerStatus == PeerStatus.DEAD) {
            return;
        }
        lastReport = new PeerReport(false, Map.of(), 0);
        fence = FenceState.NOT_NEEDED;
        setPeerStatus(PeerStatus.DEAD, reason);
        evaluateAll(nowNanos);
    }

    /** The resources of a group finished starting; {@code failure} is null on success. */
    public void onGroupStarted(String name, Throwable failure, long nowNanos) {
        Group g = groups.get(name);
        if (g == null || g.state != GroupState.STARTING) {
            return;
        }
        if (failure == null) {
            // Keep the reason it was started for: that is what an operator asks about.
            transitionTo(g, GroupState.ACTIVE, nowNanos, g.reason);
        } else {
            transitionTo(g, GroupState.FAILED, nowNanos, "start failed: " + failure.getMessage());
        }
        claimsChanged();
        evaluate(g, nowNanos);
    }

    /** The resources of a group finished stopping; {@code failure} is null on success. */
    public void onGroupStopped(String name, Throwable failure, long nowNanos) {
        Group g = groups.get(name);
        if (g == null || g.state != GroupState.STOPPING) {
            return;
        }
        if (failure == null) {
            transitionTo(g, GroupState.STANDBY, nowNanos, g.reason);
        } else {
            transitionTo(g, GroupState.FAILED, nowNanos, "stop failed: " + failure.getMessage());
        }
        claimsChanged();
        evaluate(g, nowNanos);
    }

    /**
     * An operator command for one group, or for all when {@code group} is null or {@code "all"}.
     * Returns at once; the move itself shows in the groups' states.
     */
    public CommandResult onCommand(Command command, String group, long nowNanos) {
        if (shuttingDown) {
            return CommandResult.refused("node " + self + " is shutting down");
        }
        List<Group> targets = new ArrayList<>();
        if (group == null || group.equals("all")) {
            targets.addAll(groups.values());
        } else if (groups.containsKey(group)) {
            targets.add(groups.get(group));
        } else {
            return CommandResult.refused("no group '" + group + "'; groups are " + groups.keySet());
        }
        if (targets.isEmpty()) {
            return CommandResult.refused("no resource groups are configured (haresources is empty)");
        }
        if (maintenance) {
            return CommandResult.refused("maintenance mode is on: nothing moves; 'tandemctl maintenance off' first");
        }
        boolean handsOver = command == Command.STANDBY
                || (command == Command.FAILBACK && targets.stream().anyMatch(g -> !g.preferredIsSelf));
        if (handsOver && peerStatus != PeerStatus.ALIVE) {
            return CommandResult.refused("peer " + peer + " is " + peerStatus.label()
                    + "; refusing " + command.name().toLowerCase(java.util.Locale.ROOT) + ": nobody would hold "
                    + names(targets.stream().filter(g -> command == Command.STANDBY || !g.preferredIsSelf).toList()));
        }
        List<String> affected = new ArrayList<>();
        for (Group g : targets) {
            boolean take = command == Command.TAKEOVER || (command == Command.FAILBACK && g.preferredIsSelf);
            if (take) {
                g.yields = false;
                // A holder has nothing to ask for; wanting what it has would only confuse split-brain resolution.
                g.wants = !g.state.holding();
                if (g.state == GroupState.FAILED) {
                    transitionTo(g, GroupState.STANDBY, nowNanos, "operator takeover clears the fault");
                }
            } else {
                g.wants = false;
                g.yields = true;
            }
            affected.add(g.name);
        }
        claimsChanged();
        evaluateAll(nowNanos);
        String verb = switch (command) {
            case TAKEOVER -> "taking over ";
            case STANDBY -> "handing over ";
            case FAILBACK -> "moving to their preferred nodes: ";
        };
        LOG.info("operator {} for {}", command.name().toLowerCase(java.util.Locale.ROOT), affected);
        return new CommandResult(true, affected, verb + affected);
    }

    /**
     * Graceful stop: release every group. Once {@link #allReleased()} is true the daemon sends its
     * goodbye heartbeat, which lets the peer take over without waiting for deadtime.
     */
    public void onShutdown(long nowNanos) {
        shuttingDown = true;
        if (maintenance) {
            LOG.warn("stopping in maintenance mode: resources stay as they are; a restart in maintenance adopts them");
            return;
        }
        for (Group g : groups.values()) {
            g.wants = false;
            g.yields = true;
        }
        claimsChanged();
        evaluateAll(nowNanos);
    }

    /**
     * Maintenance mode: the cluster is frozen — no automatic moves, no operator moves, resources
     * stay exactly as they are, whatever happens to the peer. Cluster-wide: the switch travels to
     * the peer with the next heartbeat, and the newest switch (highest epoch) wins.
     */
    public void onMaintenance(boolean on, String reason, long nowNanos) {
        applyMaintenance(on, maintenanceEpoch + 1, reason);
        claimsChanged();
        evaluateAll(nowNanos);
    }

    private void applyMaintenance(boolean on, long epoch, String reason) {
        maintenanceEpoch = epoch;
        boolean changed = on != maintenance;
        maintenance = on;
        actions.onMaintenanceChanged(on, epoch);
        if (!changed) {
            return;
        }
        if (on) {
            LOG.warn("MAINTENANCE MODE ON ({}): no automatic or operator moves; resources stay as they are", reason);
        } else {
            LOG.warn("maintenance mode off ({}): automatic failover is back", reason);
        }
    }

    /**
     * At start-up in maintenance mode: a group whose resources are already running (left by the
     * previous run) is taken as active without touching it.
     */
    public void adoptRunning(String group, long nowNanos) {
        Group g = groups.get(group);
        if (g != null && g.state == GroupState.STANDBY) {
            transitionTo(g, GroupState.ACTIVE, nowNanos, "adopted at start-up in maintenance mode: resources were running");
            claimsChanged();
        }
    }

    /** Restores the maintenance switch kept on disk by the previous run. */
    public void restoreMaintenance(boolean on, long epoch) {
        maintenance = on;
        maintenanceEpoch = epoch;
    }

    public boolean maintenance() {
        return maintenance;
    }

    public long maintenanceEpoch() {
        return maintenanceEpoch;
    }

    /**
     * The policies from ha.cf. With ping nodes, each node's score (how many ping entries it
     * reaches) travels in its heartbeat: a node that reaches none does not take over from a silent
     * peer, and a holder that reaches fewer than the peer hands over. With fencing, a peer that
     * died without a goodbye is fenced before anything is taken over from it.
     */
    public void configure(boolean pingNodes, boolean fencing, long autoFailbackDelayNanos) {
        this.pingConfigured = pingNodes;
        this.fencingConfigured = fencing;
        this.autoFailbackDelayNanos = autoFailbackDelayNanos;
    }

    /** This node's current ping score (reachable ping entries). */
    public void onPingScore(int score, long nowNanos) {
        if (score == ownPingScore) {
            return;
        }
        LOG.info("ping nodes reachable from this node: {} (was {})", score, ownPingScore);
        ownPingScore = score;
        evaluateAll(nowNanos);
    }

    public int pingScore() {
        return ownPingScore;
    }

    /** The fencing command finished. */
    public void onFenceResult(boolean ok, String detail, long nowNanos) {
        if (fence != FenceState.RUNNING) {
            return;
        }
        fence = ok ? FenceState.DONE : FenceState.FAILED;
        fenceDetail = detail;
        if (ok) {
            LOG.warn("peer {} fenced: {}", peer, detail);
        } else {
            LOG.error("FENCING FAILED for peer {}: {}; NOT taking over its groups (a peer that might still run must not "
                    + "share the VIPs). Check the fence command, then 'tandemctl takeover' once the peer is known down",
                    peer, detail);
        }
        evaluateAll(nowNanos);
    }

    public FenceState fenceState() {
        return fence;
    }

    public String fenceDetail() {
        return fenceDetail;
    }

    /**
     * How long ARP evidence that the peer holds a group counts (default 15 s). It must outlast a few
     * of the holder's periodic re-announcements, which are what keep the evidence fresh.
     */
    public void setArpEvidenceNanos(long nanos) {
        this.arpEvidenceNanos = nanos;
    }

    /**
     * ARP shows the peer's MAC announcing one of the group's VIPs (gratuitously: only a running
     * daemon does that, not the kernel of a node whose daemon was killed). While heartbeats arrive
     * they are the authority and this changes nothing; evidence gathered before the peer was
     * declared dead is forgotten. While the peer counts as dead, it is the other
     * half of a split brain (heartbeat links down, LAN up): the preferred node keeps the group and
     * re-announces, the other releases it and stays standby while the evidence is fresh.
     */
    public void onPeerSeenHolding(String group, long nowNanos) {
        Group g = groups.get(group);
        if (g == null) {
            return;
        }
        if (peerStatus != PeerStatus.DEAD || maintenance) {
            // While heartbeats arrive the peer's announcements are normal; only what it announces
            // after we lost its heartbeats counts as evidence.
            return;
        }
        boolean wasSeen = g.peerSeen && g.peerSeenUntilNanos - nowNanos > 0;
        g.peerSeen = true;
        g.peerSeenUntilNanos = nowNanos + arpEvidenceNanos;
        if (!wasSeen) {
            LOG.error("SPLIT BRAIN: peer {} answers ARP for group {} although no heartbeat arrives (heartbeat links "
                    + "down, LAN up?); {}", peer, g.name, g.preferredIsSelf ? "this node is preferred: it keeps the group"
                            : "the preferred node " + peer + " keeps it; this node stands by");
        }
        if (g.state == GroupState.ACTIVE && g.preferredIsSelf
                && (!g.arpRefreshed || nowNanos - g.lastArpRefreshNanos > 1_000_000_000L)) {
            g.arpRefreshed = true;
            g.lastArpRefreshNanos = nowNanos;
            actions.refreshGroup(g.name);
        }
        evaluate(g, nowNanos);
    }

    /** Called every few milliseconds: lets expired ARP evidence count no more, ends failback delays. */
    public void onTick(long nowNanos) {
        if (autoFailback && autoFailbackDelayNanos > 0 && peerStatus == PeerStatus.ALIVE) {
            for (Group g : groups.values()) {
                if (g.state == GroupState.ACTIVE && !g.preferredIsSelf) {
                    evaluate(g, nowNanos);
                }
            }
        }
        for (Group g : groups.values()) {
            if (g.peerSeen && g.peerSeenUntilNanos - nowNanos <= 0) {
                g.peerSeen = false;
                if (peerStatus == PeerStatus.DEAD) {
                    LOG.warn("peer {} no longer seen answering ARP for group {}", peer, g.name);
                }
                evaluate(g, nowNanos);
            }
        }
    }

    // ------------------------------------------------------------------ queries

    /** This node's claims, for the next heartbeat. */
    public Map<String, Claim> claims() {
        Map<String, Claim> out = new LinkedHashMap<>();
        for (Group g : groups.values()) {
            out.put(g.name, claimOf(g));
        }
        return out;
    }

    /** Grows every time this node's claims change; heartbeats carry it and the peer echoes it back. */
    public long claimsVersion() {
        return claimsVersion;
    }

    /** True once the daemon may say goodbye: everything released, or maintenance leaves it as it is. */
    public boolean readyToLeave() {
        return maintenance || allReleased();
    }

    public boolean allReleased() {
        for (Group g : groups.values()) {
            if (g.state.holding()) {
                return false;
            }
        }
        return true;
    }

    public List<GroupView> groups() {
        List<GroupView> out = new ArrayList<>();
        for (Group g : groups.values()) {
            out.add(new GroupView(g.name, g.preferredNode, g.state, g.sinceEpochMillis, g.reason, g.wants, g.yields));
        }
        return out;
    }

    public GroupState stateOf(String group) {
        return groups.get(group).state;
    }

    public PeerStatus peerStatus() {
        return peerStatus;
    }

    public String peerStatusReason() {
        return peerStatusReason;
    }

    public long peerStatusSinceEpochMillis() {
        return peerStatusSinceEpochMillis;
    }

    public long transitionCount() {
        return transitionCount;
    }

    /** The most recent transitions, oldest first. */
    public List<Transition> history() {
        return List.copyOf(history);
    }

    /**
     * One word for the node: {@code starting} (waiting for the peer), {@code fault}, {@code
     * transition}, {@code active} (holds at least one group), or {@code standby}.
     */
    public String nodeState() {
        boolean any = false;
        boolean moving = false;
        boolean fault = false;
        for (Group g : groups.values()) {
            any |= g.state == GroupState.ACTIVE;
            moving |= g.state == GroupState.STARTING || g.state == GroupState.STOPPING;
            fault |= g.state == GroupState.FAILED;
        }
        if (fault || fence == FenceState.FAILED) {
            return "fault";
        }
        if (moving) {
            return "transition";
        }
        if (any) {
            return "active";
        }
        return peerStatus == PeerStatus.UNKNOWN ? "starting" : "standby";
    }

    // ------------------------------------------------------------------ decisions

    private void evaluateAll(long nowNanos) {
        for (Group g : groups.values()) {
            evaluate(g, nowNanos);
        }
    }

    private void evaluate(Group g, long nowNanos) {
        nowForDelay = nowNanos;
        if (maintenance) {
            // Frozen: whatever runs keeps running, whatever is down stays down.
            return;
        }
        if (shuttingDown) {
            if (g.state == GroupState.ACTIVE) {
                transitionTo(g, GroupState.STOPPING, nowNanos, "daemon shutting down");
                claimsChanged();
                actions.stopGroup(g.name);
            }
            return;
        }
        switch (g.state) {
            case STANDBY -> {
                Decision d = decide(g);
                if (d.hold()) {
                    // The request is being met; a standby typed from now on must still count.
                    g.wants = false;
                    g.yields = false;
                    transitionTo(g, GroupState.STARTING, nowNanos, d.reason());
                    claimsChanged();
                    actions.startGroup(g.name);
                }
            }
            case ACTIVE -> {
                Decision d = decide(g);
                watchSplitBrain(g, d);
                if (!d.hold()) {
                    if (lastReport.claim(g.name).wants() && peerStatus == PeerStatus.ALIVE) {
                        // Let go for good: without this we would take it straight back as preferred node.
                        g.yields = true;
                    }
                    transitionTo(g, GroupState.STOPPING, nowNanos, d.reason());
                    claimsChanged();
                    actions.stopGroup(g.name);
                }
            }
            case STARTING, STOPPING, FAILED -> {
                // In flight or waiting for an operator: decided again when the resources report back.
            }
        }
    }

    /**
     * Both nodes holding one group is the serious event: logged once when it starts and once when it
     * ends. The keeper announces its VIPs when it sees the split and again when the peer has let go,
     * so no neighbour keeps the loser's MAC.
     */
    private void watchSplitBrain(Group g, Decision d) {
        boolean both = peerStatus == PeerStatus.ALIVE && lastReport.claim(g.name).holding();
        if (both && !g.splitBrain) {
            g.splitBrain = true;
            LOG.error("SPLIT BRAIN: both {} and {} hold group {}; {}", self, peer, g.name,
                    d.hold() ? "this node keeps it and re-announces" : "peer " + peer + " keeps it; releasing");
            if (d.hold()) {
                actions.refreshGroup(g.name);
            }
        } else if (!both && g.splitBrain) {
            g.splitBrain = false;
            LOG.warn("split brain over for group {}: peer {} released it; re-announcing", g.name, peer);
            actions.refreshGroup(g.name);
        }
    }

    private Decision decide(Group g) {
        switch (peerStatus) {
            case UNKNOWN:
                return g.wants
                        ? Decision.hold("operator takeover (peer " + peer + " not heard yet)")
                        : Decision.release("waiting for peer " + peer + " (initdead)");
            case DEAD:
                if (pingConfigured && ownPingScore == 0) {
                    return Decision.release("this node reaches no ping node while peer " + peer
                            + " is silent: probably this node is the isolated one; not taking over");
                }
                if (fence == FenceState.RUNNING) {
                    return Decision.release("fencing peer " + peer + " before taking over");
                }
                if (fence == FenceState.FAILED) {
                    return Decision.release("fencing peer " + peer + " failed (" + fenceDetail + "); not taking over");
                }
                if (g.peerSeen && !g.preferredIsSelf) {
                    return Decision.release("split brain: peer " + peer
                            + " still answers ARP for the group with heartbeats down; the preferred node keeps it");
                }
                return Decision.hold(peerStatusReason);
            default:
                break;
        }
        Claim mine = claimOf(g);
        Claim theirs = lastReport.claim(g.name);
        boolean weHold = g.state.holding();
        if (weHold && theirs.holding()) {
            return keeperIsSelf(mine, theirs, g.preferredIsSelf)
                    ? Decision.hold("split brain: both nodes hold " + g.name + "; this node keeps it")
                    : Decision.release("split brain: both nodes hold " + g.name + "; peer " + peer + " keeps it");
        }
        if (theirs.holding()) {
            return Decision.release("peer " + peer + " holds it");
        }
        if (weHold) {
            if (g.yields) {
                return Decision.release("operator standby: handing over to " + peer);
            }
            if (theirs.wants()) {
                return Decision.release("operator takeover on peer " + peer);
            }
            if (pingConfigured && ownPingScore < lastReport.pingScore()) {
                return Decision.release("peer " + peer + " reaches " + lastReport.pingScore() + " ping node(s), this node "
                        + ownPingScore + ": handing over");
            }
            if (autoFailback && !g.preferredIsSelf && !theirs.yields() && failbackDelayOver()) {
                return Decision.release("auto_failback: preferred node " + peer + " is back");
            }
            return Decision.hold("holding");
        }
        if (lastReport.ackedClaimsVersion() < claimsVersion) {
            return Decision.release("waiting for peer " + peer + " to see our latest claims");
        }
        if (mine.wants() != theirs.wants()) {
            return mine.wants()
                    ? Decision.hold("operator takeover")
                    : Decision.release("peer " + peer + " is taking over");
        }
        if (mine.yields() != theirs.yields()) {
            return theirs.yields()
                    ? Decision.hold("peer " + peer + " stands by")
                    : Decision.release("standing by");
        }
        if (pingConfigured && ownPingScore != lastReport.pingScore()) {
            return ownPingScore > lastReport.pingScore()
                    ? Decision.hold("this node reaches more ping nodes (" + ownPingScore + ") than peer " + peer + " ("
                            + lastReport.pingScore() + ")")
                    : Decision.release("peer " + peer + " reaches more ping nodes");
        }
        return g.preferredIsSelf
                ? Decision.hold("preferred node for " + g.name)
                : Decision.release("peer " + peer + " is the preferred node");
    }

    private long nowForDelay;

    private boolean failbackDelayOver() {
        return nowForDelay - peerAliveSinceNanos - autoFailbackDelayNanos >= 0;
    }

    /** Symmetric: the two nodes, each evaluating with its own claim first, pick the same keeper. */
    private static boolean keeperIsSelf(Claim mine, Claim theirs, boolean preferredIsSelf) {
        if (mine.wants() != theirs.wants()) {
            return mine.wants();
        }
        if (mine.yields() != theirs.yields()) {
            return !mine.yields();
        }
        return preferredIsSelf;
    }

    private static Claim claimOf(Group g) {
        return new Claim(g.state.holding(), g.wants, g.yields || g.state == GroupState.FAILED);
    }

    // ------------------------------------------------------------------ transitions

    private void transitionTo(Group g, GroupState next, long nowNanos, String reason) {
        GroupState from = g.state;
        if (next != GroupState.ACTIVE) {
            g.splitBrain = false;
        }
        long wall = epochMillis.getAsLong();
        g.state = next;
        g.sinceNanos = nowNanos;
        g.sinceEpochMillis = wall;
        g.reason = reason;
        transitionCount++;
        Transition t = new Transition(g.name, from, next, nowNanos, wall, reason);
        history.addLast(t);
        if (history.size() > HISTORY_LIMIT) {
            history.removeFirst();
        }
        if (next == GroupState.FAILED || reason.startsWith("split brain")) {
            LOG.error("group {} {} -> {}: {}", g.name, from.label(), next.label(), reason);
        } else {
            LOG.info("group {} {} -> {}: {}", g.name, from.label(), next.label(), reason);
        }
        actions.onTransition(t);
    }

    private void setPeerStatus(PeerStatus next, String reason) {
        PeerStatus from = peerStatus;
        for (Group g : groups.values()) {
            g.peerSeen = false;
        }
        peerStatus = next;
        peerStatusReason = reason;
        peerStatusSinceEpochMillis = epochMillis.getAsLong();
        if (next == PeerStatus.DEAD) {
            LOG.warn("peer {} {} -> dead: {}", peer, from.label(), reason);
        } else {
            LOG.info("peer {} {} -> {}: {}", peer, from.label(), next.label(), reason);
        }
    }

    private void claimsChanged() {
        claimsVersion++;
        actions.claimsChanged();
    }

    private static List<String> names(List<Group> gs) {
        List<String> out = new ArrayList<>();
        for (Group g : gs) {
            out.add(g.name);
        }
        return out;
    }
}
