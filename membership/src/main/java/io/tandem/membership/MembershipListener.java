package io.tandem.membership;

import java.util.List;

/**
 * What the membership channel tells the daemon.
 *
 * <p><b>Threads.</b> Every callback runs on a JGroups thread, and a slow callback stalls the
 * channel (views, retransmissions, the peer's RSVP wait in {@link Membership#leave()}). An
 * implementation must only hand the event to the daemon's own thread (a queue) and return; it
 * must not block, decide, or call back into {@link Membership} from here. Views arrive one at a
 * time and in order; control messages from one sender arrive one at a time and in the order sent.
 * An exception thrown here is logged and otherwise ignored.
 */
public interface MembershipListener {

    /**
     * A new view was installed.
     *
     * @param members node names in the view, the coordinator first; this node is among them
     * @param merged true when the view is the merge of subgroups after a partition healed
     */
    void onView(List<String> members, boolean merged);

    /**
     * A control message from another member, in the order that member sent it. Types this node
     * does not know must be ignored (the peer may run a newer version).
     */
    void onControl(String from, ControlMessage message);

    /**
     * A member is no longer in the view. Delivered right after the {@link #onView} of the view
     * that dropped it.
     *
     * @param graceful true when the peer announced it with {@link Membership#leave()} (stop,
     *     standby): act on it at once. False when it was suspected and excluded, closed without
     *     announcing, or was cut off by a partition: by itself this is no reason to take over
     *     (heartbeat decides; see docs/membership.md)
     */
    void onPeerLeft(String peer, boolean graceful);
}
