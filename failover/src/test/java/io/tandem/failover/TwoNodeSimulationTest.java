package io.tandem.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two engines wired to each other through an in-memory "network": claims are delivered after
 * every change, resources complete when the simulation pumps them. Checks that the pair converges
 * to exactly one holder after each operator move, and never has both starting at once.
 */
class TwoNodeSimulationTest {
    private static final String G = "198.51.100.10";

    private final class Node implements FailoverActions {
        final String name;
        final Deque<String> pending = new ArrayDeque<>();
        FailoverEngine engine;
        Node peer;
        boolean dirty;
        long seenPeerVersion;

        Node(String name) {
            this.name = name;
        }

        @Override
        public void startGroup(String group) {
            pending.add("start " + group);
        }

        @Override
        public void stopGroup(String group) {
            pending.add("stop " + group);
        }

        @Override
        public void refreshGroup(String group) {
        }

        @Override
        public void fencePeer(String peer) {
        }

        @Override
        public void claimsChanged() {
            dirty = true;
        }
    }

    private final Node d1 = new Node("d1");
    private final Node d2 = new Node("d2");

    TwoNodeSimulationTest() {
        for (Node n : List.of(d1, d2)) {
            n.engine = new FailoverEngine(n.name, n == d1 ? "d2" : "d1",
                    List.of(new FailoverEngine.GroupDef(G, "d1")), false, n, () -> 0L);
        }
        d1.peer = d2;
        d2.peer = d1;
    }

    /** Delivers heartbeats and completes resource actions until nothing changes. */
    private void settle() {
        for (int i = 0; i < 100; i++) {
            boolean work = false;
            for (Node n : List.of(d1, d2)) {
                n.peer.seenPeerVersion = n.engine.claimsVersion();
                n.peer.engine.onPeerReport(new PeerReport(false, n.engine.claims(), n.seenPeerVersion), i);
                assertTrue(!(d1.engine.stateOf(G) == GroupState.STARTING && d2.engine.stateOf(G).holding())
                        && !(d2.engine.stateOf(G) == GroupState.STARTING && d1.engine.stateOf(G).holding()),
                        "a group must never start while the other node holds it");
                String action = n.pending.poll();
                if (action != null) {
                    work = true;
                    if (action.startsWith("start")) {
                        n.engine.onGroupStarted(G, null, i);
                    } else {
                        n.engine.onGroupStopped(G, null, i);
                    }
                }
            }
            if (!work && d1.pending.isEmpty() && d2.pending.isEmpty()) {
                return;
            }
        }
        throw new AssertionError("pair did not settle");
    }

    private String holder() {
        boolean h1 = d1.engine.stateOf(G) == GroupState.ACTIVE;
        boolean h2 = d2.engine.stateOf(G) == GroupState.ACTIVE;
        assertTrue(!(h1 && h2), "both hold " + G);
        return h1 ? "d1" : h2 ? "d2" : "nobody";
    }

    @Test
    void pairShouldSettleOnPreferredNodeThenFollowOperatorMoves() {
        settle();
        assertEquals("d1", holder());

        d2.engine.onCommand(Command.TAKEOVER, G, 0);
        settle();
        assertEquals("d2", holder());

        d2.engine.onCommand(Command.STANDBY, G, 0);
        settle();
        assertEquals("d1", holder());

        d1.engine.onCommand(Command.STANDBY, "all", 0);
        settle();
        assertEquals("d2", holder());

        d1.engine.onCommand(Command.TAKEOVER, "all", 0);
        settle();
        assertEquals("d1", holder());
    }
}
