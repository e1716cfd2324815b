package io.tandem.heartbeat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the heartbeat transport counts, for status output and metrics. Written by the event loop,
 * read from any thread. Every received datagram is accepted (delivered), a copy (an authentic
 * heartbeat already delivered through another medium, credited to its own medium but not
 * delivered again), or dropped for exactly one {@link DropReason}, so
 * {@code received == accepted + copies + sum(dropped.*)}.
 *
 * <p>Outside that sum: {@code unattributed} counts accepted heartbeats and copies whose source
 * address no ucast line names (they keep the peer alive but no link); {@code own_echoes} our own
 * bcast/mcast datagrams that the kernel looped back; {@code ignored_broadcast} broadcast or
 * multicast datagrams that also reached a ucast socket (the medium's own socket takes them).
 */
public final class HeartbeatCounters {
    private final LongAdder received = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder copies = new LongAdder();
    private final LongAdder unattributed = new LongAdder();
    private final LongAdder ownEchoes = new LongAdder();
    private final LongAdder ignoredBroadcast = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private final LongAdder receiveErrors = new LongAdder();
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];

    /** All counters at zero. */
    public HeartbeatCounters() {
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    /** A datagram arrived. */
    public void onReceived() {
        received.increment();
    }

    /** A datagram was accepted and delivered. */
    public void onAccepted() {
        accepted.increment();
    }

    /** An authentic heartbeat already delivered through another medium (or arriving late) was credited to its medium. */
    public void onCopy() {
        copies.increment();
    }

    /** An accepted heartbeat or copy came from an address no ucast line names. */
    public void onUnattributed() {
        unattributed.increment();
    }

    /** Our own bcast/mcast datagram came back (the kernel loops them to local sockets). */
    public void onOwnEcho() {
        ownEchoes.increment();
    }

    /** A broadcast or multicast datagram reached a ucast socket; its own medium's socket counts it. */
    public void onIgnoredBroadcast() {
        ignoredBroadcast.increment();
    }

    /** A datagram was dropped. */
    public void onDropped(DropReason reason) {
        dropped[reason.ordinal()].increment();
    }

    /** A datagram was handed to the kernel. */
    public void onSent() {
        sent.increment();
    }

    /** A datagram could not be sent. */
    public void onSendError() {
        sendErrors.increment();
    }

    /** The socket reported an error while receiving (not tied to one datagram). */
    public void onReceiveError() {
        receiveErrors.increment();
    }

    /** Datagrams that arrived. */
    public long received() {
        return received.sum();
    }

    /** Datagrams accepted and delivered. */
    public long accepted() {
        return accepted.sum();
    }

    /** Copies of heartbeats already delivered through another medium. */
    public long copies() {
        return copies.sum();
    }

    /** Accepted heartbeats and copies from an address no ucast line names. */
    public long unattributed() {
        return unattributed.sum();
    }

    /** Own bcast/mcast datagrams looped back. */
    public long ownEchoes() {
        return ownEchoes.sum();
    }

    /** Broadcast or multicast datagrams that reached a ucast socket. */
    public long ignoredBroadcast() {
        return ignoredBroadcast.sum();
    }

    /** Datagrams handed to the kernel. */
    public long sent() {
        return sent.sum();
    }

    /** Datagrams that could not be sent. */
    public long sendErrors() {
        return sendErrors.sum();
    }

    /** Socket errors while receiving. */
    public long receiveErrors() {
        return receiveErrors.sum();
    }

    /** Datagrams dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return dropped[reason.ordinal()].sum();
    }

    /** Datagrams dropped for any reason. */
    public long droppedTotal() {
        long n = 0;
        for (LongAdder d : dropped) {
            n += d.sum();
        }
        return n;
    }

    /**
     * Every counter by name, in a stable order: {@code received}, {@code accepted}, {@code copies},
     * {@code sent}, {@code send_errors}, {@code receive_errors}, {@code unattributed},
     * {@code own_echoes}, {@code ignored_broadcast}, then {@code dropped.<reason>} for every reason
     * (e.g. {@code dropped.bad_mac}), zeros included.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("received", received());
        m.put("accepted", accepted());
        m.put("copies", copies());
        m.put("sent", sent());
        m.put("send_errors", sendErrors());
        m.put("receive_errors", receiveErrors());
        m.put("unattributed", unattributed());
        m.put("own_echoes", ownEchoes());
        m.put("ignored_broadcast", ignoredBroadcast());
        for (DropReason r : DropReason.values()) {
            m.put(r.counterName(), dropped(r));
        }
        return m;
    }
}
