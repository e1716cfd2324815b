package io.tandem.membership;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This director's seat in the two-director JGroups cluster: the view (who is there), reliable
 * ordered control messages, a graceful-leave notice, merge after a partition, and bulk state
 * transfer. No JGroups type appears in its API.
 *
 * <p>Heartbeat stays the failure detector. What the daemon should do with each signal here is
 * in docs/membership.md: a graceful leave is acted on at once, a view that merely lost the peer
 * is not.
 *
 * <p>Callbacks arrive on JGroups threads; see {@link MembershipListener}. The methods of this
 * class may be called from any thread.
 */
public final class Membership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    /** The key under which a member's address carries its node name. */
    private static final String NODE_NAME_KEY = "tandem-node";

    private final MembershipConfig config;
    private final MembershipListener listener;
    private final StateExchange state;
    private final JChannel channel;
    private final CountingSymEncrypt encrypt;
    /** Members whose "leaving" notice arrived; the view that drops them reports a graceful leave. */
    private final Set<Address> announcedLeaving = ConcurrentHashMap.newKeySet();
    private final LongAdder malformed = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile View view;

    private Membership(MembershipConfig config, MembershipListener listener, StateExchange state,
            JChannel channel, CountingSymEncrypt encrypt) {
        this.config = config;
        this.listener = listener;
        this.state = state;
        this.channel = channel;
        this.encrypt = encrypt;
    }

    /** Joins the cluster {@code config.clusterName()}, or forms it alone after the join timeout. */
    public static Membership start(MembershipConfig config, MembershipListener listener) throws IOException {
        return start(config, listener, null, protocols -> { });
    }

    /** As {@link #start(MembershipConfig, MembershipListener)}, serving and accepting bulk state. */
    public static Membership start(MembershipConfig config, MembershipListener listener, StateExchange state)
            throws IOException {
        return start(config, listener, Objects.requireNonNull(state, "state"), protocols -> { });
    }

    /** Tests reach in here to add protocols (DISCARD) or retune timings before the stack starts. */
    static Membership start(MembershipConfig config, MembershipListener listener, StateExchange state,
            Consumer<List<Protocol>> stackCustomizer) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        CountingSymEncrypt encrypt = new CountingSymEncrypt();
        List<Protocol> protocols = MembershipStack.protocols(config, encrypt);
        stackCustomizer.accept(protocols);
        String where = config.bindAddress().getHostAddress() + ":" + config.port();
        JChannel channel;
        try {
            channel = new JChannel(protocols);
        } catch (Exception e) {
            throw new IOException("membership: cannot build the channel for " + where + ": " + e.getMessage(), e);
        }
        Membership membership = new Membership(config, listener, state, channel, encrypt);
        try {
            // Diagnostics would open a multicast probe socket; nothing but the directors may be talked to.
            channel.getProtocolStack().getTransport().getDiagnosticsHandler().setEnabled(false);
            channel.name(config.nodeName());
            byte[] name = config.nodeName().getBytes(StandardCharsets.UTF_8);
            channel.addAddressGenerator(() -> ExtendedUUID.randomUUID(config.nodeName()).put(NODE_NAME_KEY, name));
            channel.setDiscardOwnMessages(true);
            channel.setReceiver(membership.new ChannelReceiver());
            channel.connect(config.clusterName());
        } catch (Exception e) {
            channel.close();
            throw new IOException("membership: " + config.nodeName() + " cannot join cluster=" + config.clusterName()
                    + " on " + where + ": " + e.getMessage(), e);
        }
        log.info("{}: membership channel up on {}, cluster={}, peers={}", config.nodeName(), where,
                config.clusterName(), config.peers());
        return membership;
    }

    public String nodeName() {
        return config.nodeName();
    }

    /** Node names in the current view, the coordinator first; empty once closed. */
    public List<String> members() {
        View current = view;
        return current == null || closed.get() ? List.of() : names(current);
    }

    /** True while the view holds another member besides this node. */
    public boolean peerPresent() {
        View current = view;
        return current != null && !closed.get() && current.size() > 1;
    }

    /**
     * Sends a control message to every other member, reliably and in order (it is retransmitted
     * until delivered or the receiver leaves the view). With no peer in the view it goes nowhere.
     *
     * @throws IllegalArgumentException for the reserved type {@link ControlMessage#LEAVING}
     * @throws IllegalStateException after {@link #leave()} or {@link #close()}
     * @throws UncheckedIOException when JGroups refuses the message
     */
    public void send(ControlMessage message) {
        Objects.requireNonNull(message, "message");
        if (ControlMessage.LEAVING.equals(message.type())) {
            throw new IllegalArgumentException("control message: type=leaving is reserved; call leave()");
        }
        requireOpen();
        try {
            channel.send(controlMessage(message));
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException(
                    "membership: " + nodeName() + " cannot send " + message.type() + ": " + e.getMessage(), e));
        }
    }

    /**
     * Leaves gracefully: tells the peer first ("leaving", waiting up to a second for it to confirm
     * receipt), then leaves the view and closes. The peer reports
     * {@code onPeerLeft(this node, graceful=true)} and may take over at once. Idempotent; a no-op
     * after {@link #close()}.
     */
    public void leave() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.info("{}: leaving the cluster gracefully", nodeName());
        try {
            channel.send(controlMessage(ControlMessage.of(ControlMessage.LEAVING)).setFlag(Message.Flag.RSVP));
        } catch (Exception e) {
            log.warn("{}: peer did not confirm the leaving notice within {}ms; it sees a plain leave: {}",
                    nodeName(), MembershipStack.LEAVE_NOTICE_TIMEOUT_MS, e.toString());
        }
        channel.close();
    }

    /**
     * Closes the channel without the leaving notice: the peer sees this node go, but not
     * gracefully ({@code onPeerLeft(this node, false)}). For an orderly stop use {@link #leave()}.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            log.info("{}: closing the membership channel", nodeName());
            channel.close();
        }
    }

    /**
     * Fetches the peer's state into the {@link StateExchange} given to {@code start}, blocking
     * until it has been read or {@code timeout} passes.
     *
     * @return false when there is no peer to ask
     * @throws IOException when the transfer failed or timed out
     */
    public boolean requestState(Duration timeout) throws IOException {
        requireOpen();
        if (state == null) {
            throw new IllegalStateException("membership: no StateExchange was given to start()");
        }
        Address peer = firstPeer(view);
        if (peer == null) {
            return false;
        }
        try {
            channel.getState(peer, timeout.toMillis());
            return true;
        } catch (Exception e) {
            throw new IOException("membership: " + nodeName() + " could not get the state of " + nameOf(peer)
                    + ": " + e.getMessage(), e);
        }
    }

    /** Messages dropped because they were not sealed with this cluster's key (strangers, tampering). */
    public long rejectedMessages() {
        return encrypt.rejected();
    }

    /** Authenticated messages dropped because their payload was not a well-formed control message. */
    public long malformedMessages() {
        return malformed.sum();
    }

    /** The channel, for tests that need to act below the API (a stranger's direct send). */
    JChannel channel() {
        return channel;
    }

    private Message controlMessage(ControlMessage message) {
        return new BytesMessage(null, ControlMessageCodec.encode(message))
                .setFlag(Message.TransientFlag.DONT_LOOPBACK);
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("membership: " + nodeName() + " has left or is closed");
        }
    }

    private Address firstPeer(View current) {
        if (current == null) {
            return null;
        }
        Address self = channel.getAddress();
        for (Address member : current.getMembers()) {
            if (!member.equals(self)) {
                return member;
            }
        }
        return null;
    }

    private static List<String> names(View view) {
        List<String> names = new ArrayList<>(view.size());
        for (Address member : view.getMembers()) {
            names.add(nameOf(member));
        }
        return List.copyOf(names);
    }

    /** The node name a member put in its address; JGroups' name cache for anything else. */
    static String nameOf(Address address) {
        if (address instanceof ExtendedUUID extended) {
            byte[] name = extended.get(NODE_NAME_KEY);
            if (name != null) {
                return new String(name, StandardCharsets.UTF_8);
            }
        }
        String cached = NameCache.get(address);
        return cached != null ? cached : String.valueOf(address);
    }

    private void notifyListener(String event, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.error("{}: membership listener failed on {}", nodeName(), event, e);
        }
    }

    /** JGroups' view of us: views in order on one thread at a time, messages per sender in order. */
    private final class ChannelReceiver implements Receiver {

        @Override
        public void viewAccepted(View next) {
            View previous = view;
            view = next;
            List<String> names = names(next);
            boolean merged = next instanceof MergeView;
            log.info("{}: view {}{}", nodeName(), names, merged ? " (merged after a partition)" : "");
            notifyListener("view", () -> listener.onView(names, merged));
            if (previous == null) {
                return;
            }
            Address self = channel.getAddress();
            for (Address member : previous.getMembers()) {
                if (member.equals(self) || next.containsMember(member)) {
                    continue;
                }
                boolean graceful = announcedLeaving.remove(member);
                String peer = nameOf(member);
                if (graceful) {
                    log.info("{}: peer {} left gracefully", nodeName(), peer);
                } else {
                    log.info("{}: peer {} dropped from the view without a leaving notice "
                            + "(crashed, unreachable or partitioned)", nodeName(), peer);
                }
                notifyListener("peer left", () -> listener.onPeerLeft(peer, graceful));
            }
            announcedLeaving.retainAll(next.getMembers());
        }

        @Override
        public void receive(Message msg) {
            ControlMessage message;
            try {
                if (!msg.hasArray()) {
                    throw new ControlMessageCodec.MalformedMessageException("not a byte payload");
                }
                message = ControlMessageCodec.decode(msg.getArray(), msg.getOffset(), msg.getLength());
            } catch (ControlMessageCodec.MalformedMessageException e) {
                malformed.increment();
                return;
            }
            if (message == null) {
                return; // a message family this version does not know
            }
            Address sender = msg.getSrc();
            String from = nameOf(sender);
            if (ControlMessage.LEAVING.equals(message.type())) {
                announcedLeaving.add(sender);
                log.info("{}: peer {} announced that it is leaving", nodeName(), from);
                return;
            }
            notifyListener("control " + message.type(), () -> listener.onControl(from, message));
        }

        @Override
        public void getState(OutputStream out) throws Exception {
            if (state == null) {
                throw new IllegalStateException(nodeName() + " serves no state");
            }
            state.writeState(out);
        }

        @Override
        public void setState(InputStream in) throws Exception {
            if (state == null) {
                throw new IllegalStateException(nodeName() + " accepts no state");
            }
            state.readState(in);
        }
    }
}
