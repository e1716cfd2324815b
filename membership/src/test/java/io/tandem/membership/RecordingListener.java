package io.tandem.membership;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every callback, in arrival order, for tests to await and inspect. */
final class RecordingListener implements MembershipListener {

    record ViewEvent(List<String> members, boolean merged) {
    }

    record ControlEvent(String from, ControlMessage message) {
    }

    record LeftEvent(String peer, boolean graceful) {
    }

    final List<ViewEvent> views = new CopyOnWriteArrayList<>();
    final List<ControlEvent> controls = new CopyOnWriteArrayList<>();
    final List<LeftEvent> left = new CopyOnWriteArrayList<>();

    @Override
    public void onView(List<String> members, boolean merged) {
        views.add(new ViewEvent(members, merged));
    }

    @Override
    public void onControl(String from, ControlMessage message) {
        controls.add(new ControlEvent(from, message));
    }

    @Override
    public void onPeerLeft(String peer, boolean graceful) {
        left.add(new LeftEvent(peer, graceful));
    }

    List<String> lastView() {
        return views.isEmpty() ? List.of() : views.get(views.size() - 1).members();
    }

    boolean everSaw(String node) {
        return views.stream().anyMatch(v -> v.members().contains(node));
    }
}
