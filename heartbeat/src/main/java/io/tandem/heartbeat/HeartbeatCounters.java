package io.tandem.heartbeat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the heartbeat transport counts, for status output and metrics. Written by the event loop,
 * read from any thread. Every received datagram is either accepted or dropped for exactly one
 * {@link DropReason}, so {@code received == accepted + sum(dropped.*)}.
 */
public final class HeartbeatCounters {
    private final LongAdder received = new LongAdder();
    private final LongAdder accepted = new LongAdder();
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
     * Every counter by name, in a stable order: {@code received}, {@code accepted}, {@code sent},
     * {@code send_errors}, {@code receive_errors}, then {@code dropped.<reason>} for every reason
     * (e.g. {@code dropped.bad_mac}), zeros included.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("received", received());
        m.put("accepted", accepted());
        m.put("sent", sent());
        m.put("send_errors", sendErrors());
        m.put("receive_errors", receiveErrors());
        for (DropReason r : DropReason.values()) {
            m.put(r.counterName(), dropped(r));
        }
        return m;
    }
}
