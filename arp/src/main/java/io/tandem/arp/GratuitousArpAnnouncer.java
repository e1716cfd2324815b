package io.tandem.arp;

import io.tandem.linux.Errno;
import io.tandem.linux.InetAddressText;
import io.tandem.linux.LinuxException;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a link that a VIP now lives at this host's MAC: gratuitous ARP requests for IPv4,
 * unsolicited neighbor advertisements (override set) for IPv6, {@code count} frames
 * {@code interval} apart.
 *
 * <p>{@link #announce} builds the frame once, sends the first copy on the caller's thread before
 * returning, and leaves the other {@code count - 1} to the given scheduler, so the caller never
 * sleeps. One announcement runs per VIP: announcing a VIP again replaces the running one, and
 * {@link #cancel} stops it (when the VIP is released). Each interface's link is opened on first
 * use, on the calling thread, and kept until {@link #close}; a link whose interface has gone is
 * dropped and reopened by the next announcement.
 *
 * <p>Frames sent and send failures are counted, never logged per frame; the first failure of an
 * announcement is logged once at WARN with the interface and the reason.
 */
public final class GratuitousArpAnnouncer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(GratuitousArpAnnouncer.class);

    private final ScheduledExecutorService scheduler;
    private final FrameLink.Opener opener;
    private final Map<String, FrameLink> links = new HashMap<>();
    private final ConcurrentMap<InetAddress, Announcement> announcements = new ConcurrentHashMap<>();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private volatile boolean closed;

    /** Announces through send-only packet sockets; repeats run on {@code scheduler}. */
    public GratuitousArpAnnouncer(ScheduledExecutorService scheduler) {
        this(scheduler, PacketSocketLink::open);
    }

    /** Announces through links {@code opener} opens; repeats run on {@code scheduler}. */
    public GratuitousArpAnnouncer(ScheduledExecutorService scheduler, FrameLink.Opener opener) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /**
     * Announces {@code vip} on {@code ifName}: the first frame now, on this thread; the rest
     * {@code interval} apart on the scheduler. Replaces a running announcement of the same VIP.
     * Send failures are counted and logged once, not thrown.
     *
     * @param count frames in all, at least 1
     * @param interval time between frames, not negative
     */
    public void announce(String ifName, InetAddress vip, int count, Duration interval) {
        Objects.requireNonNull(ifName, "ifName");
        Objects.requireNonNull(vip, "vip");
        if (count < 1) {
            throw new IllegalArgumentException("count=" + count + " must be >= 1");
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval=" + interval + " must not be negative");
        }
        if (closed) {
            throw new IllegalStateException("announcer is closed");
        }
        String kind = vip instanceof Inet4Address ? "gratuitous ARP" : "unsolicited neighbor advertisement";
        FrameLink link;
        try {
            link = link(ifName);
        } catch (IOException | RuntimeException e) {
            cancel(vip);
            sendErrors.increment();
            LOG.warn("{} for {} on {} not sent: cannot open the link: {}", kind, InetAddressText.of(vip), ifName,
                    e.getMessage());
            return;
        }
        ByteBuffer frame = frame(link.macAddress(), vip);
        Announcement announcement = new Announcement(kind, ifName, vip, link, frame, count, interval.toNanos());
        Announcement previous = announcements.put(vip, announcement);
        if (previous != null) {
            previous.cancel();
        }
        announcement.sendAndScheduleNext();
    }

    private static ByteBuffer frame(byte[] mac, InetAddress vip) {
        if (vip instanceof Inet4Address) {
            ByteBuffer frame = ByteBuffer.allocate(ArpFrame.FRAME_BYTES);
            ArpFrame.writeGratuitousRequest(frame, mac, (Inet4Address) vip);
            return frame.flip();
        }
        ByteBuffer frame = ByteBuffer.allocate(NeighborAdvertisementFrame.FRAME_BYTES);
        NeighborAdvertisementFrame.writeUnsolicited(frame, mac, (Inet6Address) vip);
        return frame.flip();
    }

    /**
     * Stops the announcement of {@code vip}, if one is running; frames already sent stay sent.
     *
     * @return whether an announcement was running
     */
    public boolean cancel(InetAddress vip) {
        Announcement announcement = announcements.remove(vip);
        if (announcement == null) {
            return false;
        }
        announcement.cancel();
        return true;
    }

    /** Whether frames for {@code vip} are still to be sent. */
    public boolean isAnnouncing(InetAddress vip) {
        return announcements.containsKey(vip);
    }

    /** Frames sent since start. */
    public long framesSent() {
        return framesSent.sum();
    }

    /** Frames that could not be sent since start (including announcements whose link would not open). */
    public long sendErrors() {
        return sendErrors.sum();
    }

    /** Cancels every announcement and closes the links; the scheduler is the caller's to stop. */
    @Override
    public void close() {
        closed = true;
        for (InetAddress vip : new ArrayList<>(announcements.keySet())) {
            cancel(vip);
        }
        List<FrameLink> open;
        synchronized (links) {
            open = new ArrayList<>(links.values());
            links.clear();
        }
        open.forEach(FrameLink::close);
    }

    private FrameLink link(String ifName) throws IOException {
        synchronized (links) {
            FrameLink link = links.get(ifName);
            if (link == null) {
                link = opener.open(ifName);
                links.put(ifName, link);
            }
            return link;
        }
    }

    /** Drops {@code link} if it is still the one cached for {@code ifName}: its interface has gone. */
    private void evict(String ifName, FrameLink link) {
        synchronized (links) {
            if (links.get(ifName) != link) {
                return;
            }
            links.remove(ifName);
        }
        link.close();
    }

    private static boolean interfaceGone(Exception e) {
        if (e instanceof LinuxException) {
            int errno = ((LinuxException) e).errno();
            return errno == Errno.ENODEV || errno == Errno.ENXIO;
        }
        return false;
    }

    /** One VIP's run of frames; its sends happen one at a time (caller's thread, then scheduler). */
    private final class Announcement implements Runnable {
        private final String kind;
        private final String ifName;
        private final InetAddress vip;
        private final FrameLink link;
        private final ByteBuffer frame;
        private final int count;
        private final long intervalNs;
        private int sent;
        private boolean warned;
        private boolean cancelled;
        private ScheduledFuture<?> next;

        Announcement(String kind, String ifName, InetAddress vip, FrameLink link, ByteBuffer frame, int count,
                     long intervalNs) {
            this.kind = kind;
            this.ifName = ifName;
            this.vip = vip;
            this.link = link;
            this.frame = frame;
            this.count = count;
            this.intervalNs = intervalNs;
        }

        @Override
        public void run() {
            sendAndScheduleNext();
        }

        void sendAndScheduleNext() {
            synchronized (this) {
                if (cancelled) {
                    return;
                }
            }
            sendOnce();
            synchronized (this) {
                sent++;
                if (cancelled) {
                    return;
                }
                if (sent >= count) {
                    announcements.remove(vip, this);
                    return;
                }
                try {
                    next = scheduler.schedule(this, intervalNs, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    announcements.remove(vip, this);
                    LOG.warn("{} for {} on {} stopped after {} of {} frames: scheduler is shut down", kind,
                            InetAddressText.of(vip), ifName, sent, count);
                }
            }
        }

        private void sendOnce() {
            try {
                frame.rewind();
                link.send(frame);
                framesSent.increment();
            } catch (IOException | RuntimeException e) {
                sendErrors.increment();
                if (!warned) {
                    warned = true;
                    LOG.warn("{} for {} on {} failed at frame {} of {}, later failures of this announcement are "
                            + "only counted: {}", kind, InetAddressText.of(vip), ifName, sent + 1, count, e.getMessage());
                }
                if (interfaceGone(e)) {
                    evict(ifName, link);
                }
            }
        }

        synchronized void cancel() {
            cancelled = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }
}
