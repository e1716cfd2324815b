package io.tandem.heartbeat;

import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the daemon does with a transport, in small: feeds {@link PeerLiveness} with delivered
 * heartbeats and, every tick on the transport's event loop, judges the peer and the links.
 * Records every verdict that blames the peer (LATE, DEAD) or is held off (POSTPONED), and every
 * delivery.
 */
final class PeerJudge implements HeartbeatListener, AutoCloseable {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final PeerLiveness liveness;
    final List<PeerLiveness.Verdict> verdicts = new CopyOnWriteArrayList<>();
    final List<String> deliveredOn = new CopyOnWriteArrayList<>();
    final AtomicInteger delivered = new AtomicInteger();
    private HeartbeatTransport transport;
    private ScheduledFuture<?> ticks;

    PeerJudge(long warntimeNanos, long deadtimeNanos, long initdeadNanos, StallDetector stalls) {
        this.liveness = new PeerLiveness(warntimeNanos, deadtimeNanos, initdeadNanos, stalls);
    }

    /** Starts judging on {@code t}'s event loop. */
    void start(HeartbeatTransport t) {
        this.transport = t;
        t.eventLoop().submit(() -> liveness.start(System.nanoTime())).syncUninterruptibly();
        ticks = t.eventLoop().scheduleAtFixedRate(this::tick, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    private void tick() {
        long now = System.nanoTime();
        PeerLiveness.Verdict v = liveness.check(now);
        if (v != PeerLiveness.Verdict.ALIVE && v != PeerLiveness.Verdict.NEVER_HEARD) {
            verdicts.add(v);
        }
        transport.peerLinks().check(now);
    }

    @Override
    public void onHeartbeat(HeartbeatMessage m, InetSocketAddress from, long receivedNanos) {
        throw new AssertionError("the transport calls the four-argument method");
    }

    @Override
    public void onHeartbeat(HeartbeatMessage m, HeartbeatLink link, InetSocketAddress from, long receivedNanos) {
        liveness.onHeartbeat(receivedNanos);
        delivered.incrementAndGet();
        deliveredOn.add(link == null ? "unattributed" : link.name());
    }

    /** The link named {@code name} of the judged transport, now. */
    LinkStatus link(String name) {
        for (LinkStatus s : transport.linkStatus()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no link " + name + " in " + transport.linkStatus());
    }

    @Override
    public void close() {
        if (ticks != null) {
            ticks.cancel(false);
        }
    }
}
