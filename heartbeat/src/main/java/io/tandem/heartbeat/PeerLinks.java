package io.tandem.heartbeat;

import io.tandem.config.Medium;
import io.tandem.config.UcastMedium;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The liveness of each heartbeat link to the peer, next to the peer's own ({@link PeerLiveness}):
 * the peer is alive while <em>any</em> link hears it, and losing one link of several is not a
 * failover, only a warning.
 *
 * <p>Per link it keeps: when the peer was last heard on it (a link is <b>down</b> after deadtime
 * of silence on it, <b>up</b> again at the next heartbeat), its {@link SequenceWindow} (which
 * refuses a heartbeat seen on this link already, and gives the loss over the peer's last 64
 * heartbeats), its smoothed round-trip time from the link echo of the wire format, and its
 * datagram counts.
 *
 * <h2>One heartbeat, several links</h2>
 * The peer sends each heartbeat on every link, so the same (generation, sequence) arrives once per
 * link that works. The transport delivers it to the failover layer once, the first time, and
 * counts every later copy as <em>heard</em> on its own link ({@link #onHeard}) without delivering
 * it again: the second link's liveness must see its copy, or a working backup link would look
 * dead whenever the first one is faster. A copy is credited only when it is new <em>on its own
 * link</em> and at most {@link ReplayGuard#COPY_WINDOW} heartbeats behind the newest delivered
 * one, so replaying old datagrams into a link cannot make that link look alive.
 *
 * <h2>Logging</h2>
 * Each transition is logged once: a link going down while another link still hears the peer at
 * WARN ({@code d1: heartbeat link eth1 (ucast 198.51.100.2) to d2 is down: nothing for 250ms; peer
 * still heard on eth0}), coming back at INFO, a link that has heard nothing within initdead while
 * another hears the peer at WARN. Links are judged by {@link #check}, which a {@link StallDetector}
 * (if given) holds off after this process was stalled, as it does for {@link PeerLiveness}.
 *
 * <p>Pure logic over the caller's monotonic clock; not thread-safe: owned by the transport's event
 * loop, which is also where the daemon judges the peer.
 */
public final class PeerLinks {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);
    /** Round-trip samples above this are not believed. */
    private static final long MAX_RTT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String self;
    private final String peer;
    private final long deadtimeNanos;
    private final long initdeadNanos;
    private final StallDetector stalls;

    private List<HeartbeatLink> links = List.of();
    private LinkState[] states = new LinkState[0];
    private boolean started;
    private long startNanos;
    private boolean peerHeard;
    private long peerGeneration;
    private long peerNewestSequence;

    /**
     * Links to {@code peer}, down after {@code deadtimeNanos} of silence; a link silent for
     * {@code initdeadNanos} from {@link #start} is reported. {@code stalls} may be null.
     */
    public PeerLinks(String self, String peer, long deadtimeNanos, long initdeadNanos, StallDetector stalls) {
        this.self = Objects.requireNonNull(self, "self");
        this.peer = Objects.requireNonNull(peer, "peer");
        if (deadtimeNanos <= 0 || initdeadNanos <= 0) {
            throw new IllegalArgumentException("deadtimeNanos=" + deadtimeNanos + " and initdeadNanos="
                    + initdeadNanos + " must be > 0");
        }
        this.deadtimeNanos = deadtimeNanos;
        this.initdeadNanos = initdeadNanos;
        this.stalls = stalls;
    }

    /**
     * Fails when two media have the same name or two ucast media the same peer address: the
     * receiver could not tell their links apart.
     */
    static void checkDistinct(List<? extends Medium> media) {
        Set<Object> seen = new HashSet<>();
        for (Medium m : media) {
            if (!seen.add(m.name()) || (m instanceof UcastMedium u && !seen.add(u.peer()))) {
                throw new IllegalArgumentException("heartbeat medium " + m.name()
                        + " cannot be told apart from another one (same name or same ucast peer address)");
            }
        }
    }

    /**
     * Replaces the links with one per medium, in order; a medium of the same name as before keeps
     * its state (liveness, window, counts). The transport calls it, on the event loop.
     */
    List<HeartbeatLink> setMedia(List<? extends Medium> media) {
        checkDistinct(media);
        List<HeartbeatLink> next = new ArrayList<>(media.size());
        LinkState[] nextStates = new LinkState[media.size()];
        for (int i = 0; i < media.size(); i++) {
            Medium m = media.get(i);
            next.add(new HeartbeatLink(i, m));
            LinkState kept = null;
            for (int j = 0; j < links.size() && kept == null; j++) {
                if (links.get(j).name().equals(m.name())) {
                    kept = states[j];
                }
            }
            nextStates[i] = kept != null ? kept : new LinkState();
        }
        this.links = List.copyOf(next);
        this.states = nextStates;
        return links;
    }

    /** The current links, in medium order. */
    public List<HeartbeatLink> links() {
        return links;
    }

    /** The link whose medium has this name, or null. */
    public HeartbeatLink link(String name) {
        for (HeartbeatLink l : links) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** Starts the initdead clock of links that hear nothing; the transport calls it when bound. */
    public void start(long nowNanos) {
        started = true;
        startNanos = nowNanos;
    }

    private LinkState state(HeartbeatLink l) {
        int i = l.index();
        return i < links.size() && links.get(i) == l ? states[i] : null;
    }

    /** A datagram arrived on {@code l} (counted before it is checked). */
    void onReceived(HeartbeatLink l) {
        LinkState s = state(l);
        if (s != null) {
            s.received++;
        }
    }

    /** A datagram that arrived on {@code l} was dropped. */
    void onDropped(HeartbeatLink l) {
        LinkState s = state(l);
        if (s != null) {
            s.dropped++;
        }
    }

    /**
     * An authentic heartbeat of the peer arrived on {@code l} at {@code nowNanos}, with the link
     * fields it carried.
     *
     * @return false when this link saw it already or it is too old for the link's window: a
     *         replay, which must not count for the link
     */
    boolean onHeard(HeartbeatLink l, long generation, long sequence, long nowNanos,
            long linkSendNanos, long linkEchoNanos, long linkEchoHoldNanos) {
        LinkState s = state(l);
        if (s == null) {
            return true;
        }
        if (!s.window.accept(generation, sequence)) {
            return false;
        }
        if (!peerHeard || generation > peerGeneration) {
            peerHeard = true;
            peerGeneration = generation;
            peerNewestSequence = sequence;
        } else if (generation == peerGeneration && sequence > peerNewestSequence) {
            peerNewestSequence = sequence;
        }
        if (!s.up) {
            if (s.heard) {
                LOG.info("{}: heartbeat link {} to {} is up again after {}ms down", self, l.label(), peer,
                        TimeUnit.NANOSECONDS.toMillis(nowNanos - s.downSinceNanos));
            } else {
                LOG.info("{}: heartbeat link {} to {} is up", self, l.label(), peer);
            }
            s.up = true;
        }
        s.heard = true;
        s.lastHeardNanos = nowNanos;
        s.echoValid = true;
        s.echoSendNanos = linkSendNanos;
        s.echoHeardNanos = nowNanos;
        if (linkEchoNanos != 0 || linkEchoHoldNanos != 0) {
            long rtt = nowNanos - linkEchoNanos - linkEchoHoldNanos;
            if (rtt >= 0 && rtt <= MAX_RTT_NANOS) {
                s.smoothedRttNanos = s.smoothedRttNanos < 0 ? rtt : s.smoothedRttNanos + (rtt - s.smoothedRttNanos) / 8;
            }
        }
        return true;
    }

    /** The link echo to send on {@code l}: the peer's link send time last heard there, 0 if none. */
    long echoNanos(HeartbeatLink l) {
        LinkState s = state(l);
        return s != null && s.echoValid ? s.echoSendNanos : 0;
    }

    /** How long ago that echo was heard, at {@code nowNanos}; 0 if none. */
    long echoHoldNanos(HeartbeatLink l, long nowNanos) {
        LinkState s = state(l);
        return s != null && s.echoValid ? Math.max(0, nowNanos - s.echoHeardNanos) : 0;
    }

    /** A datagram went out on {@code l}. */
    void onSent(HeartbeatLink l) {
        LinkState s = state(l);
        if (s != null) {
            s.sent++;
        }
    }

    /** A datagram could not go out on {@code l}. */
    void onSendError(HeartbeatLink l) {
        LinkState s = state(l);
        if (s != null) {
            s.sendErrors++;
        }
    }

    /**
     * Judges every link at {@code nowNanos}: a link silent for deadtime goes down (logged once),
     * a link that has heard nothing within initdead while the peer is heard elsewhere is reported
     * once. Nothing goes down while the stall detector holds verdicts off.
     */
    public void check(long nowNanos) {
        if (stalls != null && !stalls.judging(nowNanos)) {
            return;
        }
        for (int i = 0; i < states.length; i++) {
            LinkState s = states[i];
            HeartbeatLink l = links.get(i);
            if (!s.heard) {
                if (!s.neverHeardReported && started && startNanos + initdeadNanos - nowNanos < 0) {
                    String others = heardElsewhere(l, null, nowNanos);
                    if (!others.isEmpty()) {
                        s.neverHeardReported = true;
                        LOG.warn("{}: heartbeat link {} to {} has heard nothing since start ({}ms, initdead {}ms);"
                                + " peer heard on {}", self, l.label(), peer,
                                TimeUnit.NANOSECONDS.toMillis(nowNanos - startNanos),
                                TimeUnit.NANOSECONDS.toMillis(initdeadNanos), others);
                    }
                }
                continue;
            }
            if (s.up && silent(s, nowNanos)) {
                s.up = false;
                s.downs++;
                s.downSinceNanos = s.lastHeardNanos;
                long silentMillis = TimeUnit.NANOSECONDS.toMillis(nowNanos - s.lastHeardNanos);
                String others = heardElsewhere(l, s.window, nowNanos);
                if (others.isEmpty()) {
                    LOG.info("{}: heartbeat link {} to {} is down: nothing for {}ms; no link hears {}", self,
                            l.label(), peer, silentMillis, peer);
                } else {
                    LOG.warn("{}: heartbeat link {} to {} is down: nothing for {}ms; peer still heard on {}", self,
                            l.label(), peer, silentMillis, others);
                }
            }
        }
    }

    private boolean silent(LinkState s, long nowNanos) {
        return s.lastHeardNanos + deadtimeNanos - nowNanos < 0;
    }

    /**
     * The links other than {@code l} that hear the peer now (within deadtime and, when
     * {@code after} is given, a heartbeat newer than the last {@code l} heard: links that merely
     * heard the peer's last heartbeat a little later than {@code l} went quiet with it), as their
     * devices, or labels where the device is {@code l}'s.
     */
    private String heardElsewhere(HeartbeatLink l, SequenceWindow after, long nowNanos) {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < states.length; i++) {
            HeartbeatLink other = links.get(i);
            LinkState o = states[i];
            if (other != l && o.heard && !silent(o, nowNanos) && (after == null || o.window.isNewerThan(after))) {
                names.add(other.device().equals(l.device()) ? other.label() : other.device());
            }
        }
        return String.join(", ", names);
    }

    /** Whether {@code l} heard the peer within deadtime before {@code nowNanos}. */
    public boolean isUp(HeartbeatLink l, long nowNanos) {
        LinkState s = state(l);
        return s != null && s.heard && !silent(s, nowNanos);
    }

    /** Every link's status at {@code nowNanos}, in medium order. */
    public List<LinkStatus> snapshot(long nowNanos) {
        List<LinkStatus> out = new ArrayList<>(states.length);
        for (int i = 0; i < states.length; i++) {
            LinkState s = states[i];
            out.add(new LinkStatus(links.get(i).name(),
                    s.heard && !silent(s, nowNanos),
                    s.heard ? TimeUnit.NANOSECONDS.toMillis(nowNanos - s.lastHeardNanos) : -1,
                    peerHeard ? s.window.lossPercent(peerGeneration, peerNewestSequence) : -1,
                    s.smoothedRttNanos < 0 ? -1 : s.smoothedRttNanos / 1000,
                    s.received, s.dropped, s.sent, s.sendErrors, s.downs));
        }
        return out;
    }

    /** One link's mutable state. */
    private static final class LinkState {
        final SequenceWindow window = new SequenceWindow();
        boolean heard;
        boolean up;
        boolean neverHeardReported;
        long lastHeardNanos;
        long downSinceNanos;
        long downs;
        boolean echoValid;
        long echoSendNanos;
        long echoHeardNanos;
        long smoothedRttNanos = -1;
        long received;
        long dropped;
        long sent;
        long sendErrors;
    }
}
