package io.tandem.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailoverEngineTest {
    private static final String G = "198.51.100.10";
    private final RecordingActions actions = new RecordingActions();
    private long now = 1_000_000L;

    private FailoverEngine engine(String self, String preferred, boolean autoFailback) {
        return new FailoverEngine(self, self.equals("d1") ? "d2" : "d1",
                List.of(new FailoverEngine.GroupDef(G, preferred)), autoFailback, actions, () -> 42L);
    }

    private static PeerReport peer(boolean holding, boolean wants, boolean yields) {
        return new PeerReport(false, Map.of(G, new Claim(holding, wants, yields)), Long.MAX_VALUE);
    }

    @Test
    void shouldHoldNothingBeforePeerIsHeardOrInitdeadEnds() {
        FailoverEngine e = engine("d1", "d1", false);
        assertEquals(GroupState.STANDBY, e.stateOf(G));
        assertEquals("starting", e.nodeState());
        assertTrue(actions.calls.isEmpty());
    }

    @Test
    void shouldTakeOverWhenPeerDeclaredDead() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerReport(peer(true, false, false), now);
        assertEquals(GroupState.STANDBY, e.stateOf(G));
        e.onPeerDead("no heartbeat for 250ms", now);
        assertEquals(GroupState.STARTING, e.stateOf(G));
        assertEquals("start " + G, actions.last());
        e.onGroupStarted(G, null, now);
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
        assertEquals("active", e.nodeState());
        assertEquals("no heartbeat for 250ms", actions.transitions.get(0).reason());
    }

    @Test
    void shouldTakeAllGroupsWhenInitdeadPassesWithoutPeer() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerDead("peer d1 not heard within initdead 1s", now);
        assertEquals(GroupState.STARTING, e.stateOf(G));
    }

    @Test
    void preferredNodeShouldTakeGroupWhenNobodyHoldsIt() {
        FailoverEngine e = engine("d1", "d1", false);
        e.onPeerReport(peer(false, false, false), now);
        assertEquals(GroupState.STARTING, e.stateOf(G));
    }

    @Test
    void otherNodeShouldLeaveGroupToPreferredNode() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerReport(peer(false, false, false), now);
        assertEquals(GroupState.STANDBY, e.stateOf(G));
        assertTrue(actions.calls.isEmpty());
    }

    @Test
    void shouldNotStartWhilePeerStillHolds() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerReport(peer(true, false, false), now);
        e.onCommand(Command.TAKEOVER, G, now);
        assertEquals(GroupState.STANDBY, e.stateOf(G), "must wait until the peer has stopped");
        assertTrue(e.claims().get(G).wants());
        e.onPeerReport(peer(false, false, true), now);
        assertEquals(GroupState.STARTING, e.stateOf(G));
    }

    @Test
    void holderShouldReleaseAndYieldWhenPeerWantsTheGroup() {
        FailoverEngine e = active("d1", "d1", false);
        e.onPeerReport(peer(false, true, false), now);
        assertEquals(GroupState.STOPPING, e.stateOf(G));
        e.onGroupStopped(G, null, now);
        assertEquals(GroupState.STANDBY, e.stateOf(G));
        assertTrue(e.claims().get(G).yields(), "must not take it back as preferred node");
        e.onPeerReport(peer(false, true, false), now);
        assertEquals(GroupState.STANDBY, e.stateOf(G));
    }

    @Test
    void standbyShouldReleaseTheGroupToALivePeer() {
        FailoverEngine e = active("d1", "d1", false);
        CommandResult r = e.onCommand(Command.STANDBY, "all", now);
        assertTrue(r.accepted());
        assertEquals(GroupState.STOPPING, e.stateOf(G));
    }

    @Test
    void standbyShouldBeRefusedWhenPeerIsDead() {
        FailoverEngine e = engine("d1", "d1", false);
        e.onPeerDead("gone", now);
        e.onGroupStarted(G, null, now);
        CommandResult r = e.onCommand(Command.STANDBY, null, now);
        assertFalse(r.accepted());
        assertTrue(r.message().contains("peer d2 is dead"), r.message());
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
    }

    @Test
    void unknownGroupShouldBeRefusedWithTheKnownOnes() {
        FailoverEngine e = engine("d1", "d1", false);
        CommandResult r = e.onCommand(Command.TAKEOVER, "nope", now);
        assertFalse(r.accepted());
        assertTrue(r.message().contains(G), r.message());
    }

    @Test
    void standbyDuringTakeoverShouldStopOnceStarted() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerReport(peer(false, false, true), now);
        assertEquals(GroupState.STARTING, e.stateOf(G));
        e.onCommand(Command.STANDBY, G, now);
        assertEquals(GroupState.STARTING, e.stateOf(G), "resources in flight finish first");
        e.onGroupStarted(G, null, now);
        assertEquals(GroupState.STOPPING, e.stateOf(G));
    }

    @Test
    void doubleTakeoverRequestsShouldLeaveExactlyOneHolder() {
        RecordingActions a2 = new RecordingActions();
        FailoverEngine d1 = engine("d1", "d1", false);
        FailoverEngine d2 = new FailoverEngine("d2", "d1", List.of(new FailoverEngine.GroupDef(G, "d1")), false, a2, () -> 0L);
        d1.onPeerReport(new PeerReport(false, Map.of(G, new Claim(false, false, true)), Long.MAX_VALUE), now);
        d1.onGroupStarted(G, null, now);
        d2.onPeerReport(new PeerReport(false, d1.claims(), Long.MAX_VALUE), now);
        d1.onCommand(Command.TAKEOVER, G, now);
        d2.onCommand(Command.TAKEOVER, G, now);
        d1.onCommand(Command.TAKEOVER, G, now);
        d1.onPeerReport(new PeerReport(false, d2.claims(), Long.MAX_VALUE), now);
        assertEquals(GroupState.STOPPING, d1.stateOf(G), "the holder gives way to the node that asked");
        d1.onGroupStopped(G, null, now);
        d2.onPeerReport(new PeerReport(false, d1.claims(), Long.MAX_VALUE), now);
        d1.onPeerReport(new PeerReport(false, d2.claims(), Long.MAX_VALUE), now);
        assertEquals(GroupState.STARTING, d2.stateOf(G));
        assertEquals(GroupState.STANDBY, d1.stateOf(G));
    }

    @Test
    void failedStartShouldYieldTheGroupToThePeer() {
        FailoverEngine e = engine("d1", "d1", false);
        e.onPeerReport(peer(false, false, false), now);
        e.onGroupStarted(G, new IllegalStateException("RTNETLINK: no such device eth9"), now);
        assertEquals(GroupState.FAILED, e.stateOf(G));
        assertEquals("fault", e.nodeState());
        Claim c = e.claims().get(G);
        assertFalse(c.holding());
        assertTrue(c.yields());
        assertTrue(actions.transitions.get(actions.transitions.size() - 1).reason().contains("eth9"));
    }

    @Test
    void takeoverShouldClearAFault() {
        FailoverEngine e = engine("d1", "d1", false);
        e.onPeerReport(peer(false, false, false), now);
        e.onGroupStarted(G, new IllegalStateException("boom"), now);
        e.onCommand(Command.TAKEOVER, G, now);
        assertEquals(GroupState.STARTING, e.stateOf(G));
    }

    @Test
    void splitBrainShouldBeResolvedInFavourOfPreferredNode() {
        FailoverEngine keeper = active("d1", "d1", false);
        keeper.onPeerReport(peer(true, false, false), now);
        assertEquals(GroupState.ACTIVE, keeper.stateOf(G));

        RecordingActions a2 = new RecordingActions();
        FailoverEngine loser = new FailoverEngine("d2", "d1", List.of(new FailoverEngine.GroupDef(G, "d1")), false, a2, () -> 0L);
        loser.onPeerDead("gone", now);
        loser.onGroupStarted(G, null, now);
        loser.onPeerReport(peer(true, false, false), now);
        assertEquals(GroupState.STOPPING, loser.stateOf(G));
        assertTrue(a2.transitions.get(a2.transitions.size() - 1).reason().startsWith("split brain"));
    }

    @Test
    void splitBrainKeeperShouldReannounceWhenItSeesTheSplitAndWhenItEnds() {
        FailoverEngine keeper = active("d1", "d1", false);
        actions.calls.clear();
        keeper.onPeerReport(peer(true, false, false), now);
        keeper.onPeerReport(peer(true, false, false), now);
        assertEquals(List.of("refresh " + G), actions.calls, "once per split, not per heartbeat");
        keeper.onPeerReport(peer(false, false, false), now);
        assertEquals(List.of("refresh " + G, "refresh " + G), actions.calls);
    }

    @Test
    void withHeartbeatsDownArpEvidenceShouldMakeTheOtherNodeReleaseAndStayStandby() {
        FailoverEngine e = engine("d2", "d1", false);
        e.setArpEvidenceNanos(1_000_000_000L);
        e.onPeerDead("no heartbeat for 250ms", now);
        e.onGroupStarted(G, null, now);
        e.onPeerSeenHolding(G, now);
        assertEquals(GroupState.STOPPING, e.stateOf(G));
        e.onGroupStopped(G, null, now);
        e.onTick(now + 500_000_000L);
        assertEquals(GroupState.STANDBY, e.stateOf(G), "evidence still fresh: stay standby");
        e.onTick(now + 1_000_000_001L);
        assertEquals(GroupState.STARTING, e.stateOf(G), "the peer stopped answering ARP: it is really gone");
    }

    @Test
    void withHeartbeatsDownPreferredNodeShouldKeepTheGroupAndReannounce() {
        FailoverEngine e = active("d1", "d1", false);
        e.onPeerDead("no heartbeat for 250ms", now);
        actions.calls.clear();
        e.onPeerSeenHolding(G, now);
        e.onPeerSeenHolding(G, now + 1000);
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
        assertEquals(List.of("refresh " + G), actions.calls, "re-announce, at most once a second");
    }

    @Test
    void arpEvidenceFromBeforeThePeerDiedShouldNotDelayTheTakeover() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerReport(peer(true, false, false), now);
        e.onPeerSeenHolding(G, now);
        e.onPeerDead("no heartbeat for 250ms", now + 1000);
        assertEquals(GroupState.STARTING, e.stateOf(G));
    }

    @Test
    void arpEvidenceShouldChangeNothingWhileHeartbeatsArrive() {
        FailoverEngine e = active("d1", "d2", false);
        e.onPeerReport(peer(false, false, false), now);
        actions.calls.clear();
        e.onPeerSeenHolding(G, now);
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
        assertTrue(actions.calls.isEmpty());
    }

    @Test
    void autoFailbackShouldReturnGroupToPreferredNode() {
        FailoverEngine e = engine("d2", "d1", true);
        e.onPeerDead("gone", now);
        e.onGroupStarted(G, null, now);
        e.onPeerReport(peer(false, false, false), now);
        assertEquals(GroupState.STOPPING, e.stateOf(G));
    }

    @Test
    void withoutAutoFailbackReturningPreferredNodeShouldNotStealTheGroup() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerDead("gone", now);
        e.onGroupStarted(G, null, now);
        e.onPeerReport(peer(false, false, false), now);
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
    }

    @Test
    void gracefulLeaveShouldCountAsDeathAtOnce() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerReport(peer(true, false, false), now);
        e.onPeerReport(new PeerReport(true, Map.of(G, new Claim(false, false, true)), Long.MAX_VALUE), now);
        assertEquals(PeerStatus.DEAD, e.peerStatus());
        assertEquals(GroupState.STARTING, e.stateOf(G));
    }

    @Test
    void shutdownShouldReleaseEverythingIncludingGroupsStillStarting() {
        FailoverEngine e = engine("d1", "d1", false);
        e.onPeerDead("gone", now);
        e.onShutdown(now);
        assertFalse(e.allReleased());
        e.onGroupStarted(G, null, now);
        assertEquals(GroupState.STOPPING, e.stateOf(G));
        e.onGroupStopped(G, null, now);
        assertTrue(e.allReleased());
        assertFalse(e.onCommand(Command.TAKEOVER, G, now).accepted());
    }

    @Test
    void everyTransitionShouldBeCountedAndKeptInHistory() {
        FailoverEngine e = active("d1", "d1", false);
        assertEquals(2, e.transitionCount());
        assertEquals(GroupState.ACTIVE, e.history().get(1).to());
    }

    @Test
    void maintenanceShouldFreezeEverythingEvenWhenPeerDies() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerReport(peer(true, false, false), now);
        e.onMaintenance(true, "operator", now);
        e.onPeerDead("no heartbeat for 250ms", now);
        assertEquals(GroupState.STANDBY, e.stateOf(G), "maintenance: no automatic move");
        assertFalse(e.onCommand(Command.TAKEOVER, G, now).accepted(), "maintenance: no operator move");
        e.onMaintenance(false, "operator", now);
        assertEquals(GroupState.STARTING, e.stateOf(G), "off again: the dead peer's group is taken");
    }

    @Test
    void maintenanceSwitchShouldTravelToThePeerAndNewestShouldWin() {
        FailoverEngine e = active("d1", "d1", false);
        e.onPeerReport(new PeerReport(false, Map.of(), Long.MAX_VALUE, true, 1), now);
        assertTrue(e.maintenance());
        e.onPeerDead("gone", now);
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
        e.onMaintenance(false, "operator", now);
        assertEquals(2, e.maintenanceEpoch());
        e.onPeerReport(new PeerReport(false, Map.of(), Long.MAX_VALUE, true, 1), now);
        assertFalse(e.maintenance(), "an older switch from the peer must not undo ours");
    }

    @Test
    void shutdownInMaintenanceShouldLeaveResourcesRunning() {
        FailoverEngine e = active("d1", "d1", false);
        actions.calls.clear();
        e.onMaintenance(true, "operator", now);
        e.onShutdown(now);
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
        assertTrue(e.readyToLeave());
        assertTrue(actions.calls.isEmpty());
    }

    @Test
    void adoptRunningShouldMakeGroupActiveWithoutStartingIt() {
        FailoverEngine e = engine("d1", "d1", false);
        e.restoreMaintenance(true, 3);
        e.adoptRunning(G, now);
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
        assertTrue(actions.calls.isEmpty());
    }

    @Test
    void failbackShouldTakeOwnPreferredGroupsAndHandOverThePeers() {
        RecordingActions a = new RecordingActions();
        FailoverEngine e = new FailoverEngine("d2", "d1", List.of(new FailoverEngine.GroupDef(G, "d1"),
                new FailoverEngine.GroupDef("g2", "d2")), false, a, () -> 0L);
        e.onPeerDead("gone", now);
        e.onGroupStarted(G, null, now);
        e.onGroupStarted("g2", null, now);
        e.onPeerReport(new PeerReport(false, Map.of(), Long.MAX_VALUE), now);
        CommandResult r = e.onCommand(Command.FAILBACK, null, now);
        assertTrue(r.accepted(), r.message());
        assertEquals(GroupState.STOPPING, e.stateOf(G), "d1's group goes back to d1");
        assertEquals(GroupState.ACTIVE, e.stateOf("g2"), "d2's own group stays");
    }

    @Test
    void failbackShouldBeRefusedWhenItWouldHandOverToADeadPeer() {
        FailoverEngine e = engine("d2", "d1", false);
        e.onPeerDead("gone", now);
        e.onGroupStarted(G, null, now);
        assertFalse(e.onCommand(Command.FAILBACK, null, now).accepted());
    }

    private static PeerReport peerWithPing(boolean holding, int pingScore) {
        return new PeerReport(false, Map.of(G, new Claim(holding, false, false)), Long.MAX_VALUE, false, 0, pingScore);
    }

    @Test
    void nodeThatReachesNoPingNodeShouldNotTakeOverFromASilentPeer() {
        FailoverEngine e = engine("d2", "d1", false);
        e.configure(true, false, 0);
        e.onPingScore(0, now);
        e.onPeerReport(peerWithPing(true, 1), now);
        e.onPeerDead("no heartbeat for 250ms", now);
        assertEquals(GroupState.STANDBY, e.stateOf(G), "isolated: must not take over");
        e.onPingScore(1, now);
        assertEquals(GroupState.STARTING, e.stateOf(G), "reaches the ping node again: the peer is really gone");
    }

    @Test
    void activeNodeThatLosesItsPingNodesShouldHandOverToAPeerThatSeesThem() {
        FailoverEngine e = engine("d1", "d1", false);
        e.configure(true, false, 0);
        e.onPingScore(1, now);
        e.onPeerReport(peerWithPing(false, 1), now);
        e.onGroupStarted(G, null, now);
        e.onPingScore(0, now);
        assertEquals(GroupState.STOPPING, e.stateOf(G));
        e.onGroupStopped(G, null, now);
        e.onPeerReport(peerWithPing(false, 1), now);
        assertEquals(GroupState.STANDBY, e.stateOf(G), "the peer reaches more ping nodes: it takes the group");
    }

    @Test
    void peerThatReachesMorePingNodesShouldGetTheGroupWhenNobodyHoldsIt() {
        FailoverEngine e = engine("d2", "d1", false);
        e.configure(true, false, 0);
        e.onPingScore(2, now);
        e.onPeerReport(peerWithPing(false, 1), now);
        assertEquals(GroupState.STARTING, e.stateOf(G), "ping score beats the preferred node");
    }

    @Test
    void fencingShouldRunBeforeTakingOverAndAFailureShouldBlockIt() {
        FailoverEngine e = engine("d2", "d1", false);
        e.configure(false, true, 0);
        e.onPeerReport(peer(true, false, false), now);
        e.onPeerDead("no heartbeat for 250ms", now);
        assertEquals(List.of("fence d1"), actions.calls);
        assertEquals(GroupState.STANDBY, e.stateOf(G), "nothing is taken over while fencing runs");
        e.onFenceResult(false, "ipmi-off exited 1: connection refused", now);
        assertEquals(GroupState.STANDBY, e.stateOf(G));
        assertEquals("fault", e.nodeState());
        assertEquals(FailoverEngine.FenceState.FAILED, e.fenceState());
    }

    @Test
    void successfulFencingShouldLetTheTakeoverProceed() {
        FailoverEngine e = engine("d2", "d1", false);
        e.configure(false, true, 0);
        e.onPeerReport(peer(true, false, false), now);
        e.onPeerDead("no heartbeat for 250ms", now);
        e.onFenceResult(true, "powered off", now);
        assertEquals(GroupState.STARTING, e.stateOf(G));
    }

    @Test
    void aPeerThatSaidGoodbyeShouldNotBeFenced() {
        FailoverEngine e = engine("d2", "d1", false);
        e.configure(false, true, 0);
        e.onPeerReport(peer(true, false, false), now);
        e.onPeerReport(new PeerReport(true, Map.of(G, new Claim(false, false, true)), Long.MAX_VALUE), now);
        assertTrue(actions.calls.stream().noneMatch(c -> c.startsWith("fence")));
        assertEquals(GroupState.STARTING, e.stateOf(G));
    }

    @Test
    void autoFailbackShouldWaitForTheConfiguredDelay() {
        FailoverEngine e = engine("d2", "d1", true);
        e.configure(false, false, 30_000_000_000L);
        e.onPeerDead("gone", now);
        e.onGroupStarted(G, null, now);
        e.onPeerReport(peer(false, false, false), now);
        assertEquals(GroupState.ACTIVE, e.stateOf(G), "the preferred node just came back: wait");
        e.onTick(now + 29_000_000_000L);
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
        e.onTick(now + 30_000_000_000L);
        assertEquals(GroupState.STOPPING, e.stateOf(G), "delay over: give it back");
    }

    private FailoverEngine active(String self, String preferred, boolean autoFailback) {
        FailoverEngine e = engine(self, preferred, autoFailback);
        e.onPeerReport(peer(false, false, false), now);
        if (e.stateOf(G) != GroupState.STARTING) {
            e.onPeerDead("gone", now);
        }
        e.onGroupStarted(G, null, now);
        assertEquals(GroupState.ACTIVE, e.stateOf(G));
        return e;
    }
}
