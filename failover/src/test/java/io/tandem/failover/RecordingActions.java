package io.tandem.failover;

import java.util.ArrayList;
import java.util.List;

/** Records what the engine asked for; the test decides when resources "finish". */
final class RecordingActions implements FailoverActions {
    final List<String> calls = new ArrayList<>();
    final List<Transition> transitions = new ArrayList<>();
    int claimsChanged;

    @Override
    public void startGroup(String group) {
        calls.add("start " + group);
    }

    @Override
    public void stopGroup(String group) {
        calls.add("stop " + group);
    }

    @Override
    public void fencePeer(String peer) {
        calls.add("fence " + peer);
    }

    @Override
    public void refreshGroup(String group) {
        calls.add("refresh " + group);
    }

    @Override
    public void claimsChanged() {
        claimsChanged++;
    }

    @Override
    public void onTransition(Transition transition) {
        transitions.add(transition);
    }

    String last() {
        return calls.isEmpty() ? "" : calls.get(calls.size() - 1);
    }
}
