package io.tandem.arp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tandem.linux.Errno;
import io.tandem.linux.LinuxException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Announcer timing, cancellation and error accounting, against recording links (no root). */
class GratuitousArpAnnouncerTest {
    private static final byte[] MAC = {2, 0, 0, 0, 0, 0x0a};
    private static final Duration LONG = Duration.ofHours(1);

    private ScheduledThreadPoolExecutor scheduler;
    private final List<RecordingLink> opened = new CopyOnWriteArrayList<>();
    private GratuitousArpAnnouncer announcer;
    private ListAppender<ILoggingEvent> log;
    private Logger announcerLogger;

    @BeforeEach
    void start() {
        scheduler = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "announce-test"));
        announcer = new GratuitousArpAnnouncer(scheduler, ifName -> {
            RecordingLink link = new RecordingLink(ifName);
            opened.add(link);
            return link;
        });
        announcerLogger = (Logger) LoggerFactory.getLogger(GratuitousArpAnnouncer.class);
        log = new ListAppender<>();
        log.start();
        announcerLogger.addAppender(log);
    }

    @AfterEach
    void stop() {
        announcer.close();
        scheduler.shutdownNow();
        announcerLogger.detachAppender(log);
    }

    private static InetAddress vip() throws Exception {
        return InetAddress.getByName("198.51.100.10");
    }

    private RecordingLink link(String ifName) {
        return opened.stream().filter(l -> l.ifName.equals(ifName)).findFirst().orElseThrow();
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    @Test
    void shouldSendTheFirstFrameOnTheCallersThreadBeforeReturning() throws Exception {
        announcer.announce("eth0", vip(), 3, LONG);

        RecordingLink eth0 = link("eth0");
        assertEquals(1, eth0.frames.size());
        assertEquals(Thread.currentThread().getName(), eth0.threads.get(0));
        assertTrue(announcer.isAnnouncing(vip()));
        assertEquals(1, announcer.framesSent());
    }

    @Test
    void shouldSendTheRemainingFramesIntervalApartOnTheScheduler() throws Exception {
        Duration interval = Duration.ofMillis(30);
        announcer.announce("eth0", vip(), 5, interval);
        RecordingLink eth0 = link("eth0");

        await().atMost(Duration.ofSeconds(5)).until(() -> eth0.frames.size() == 5);
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1)).until(() -> eth0.frames.size() == 5);

        ByteBuffer expected = ByteBuffer.allocate(ArpFrame.FRAME_BYTES);
        ArpFrame.writeGratuitousRequest(expected, MAC, (Inet4Address) vip());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(expected.array(), eth0.frames.get(i), "frame " + i);
        }
        for (int i = 1; i < 5; i++) {
            assertEquals("announce-test", eth0.threads.get(i));
            long gapNs = eth0.sentAtNs.get(i) - eth0.sentAtNs.get(i - 1);
            assertTrue(gapNs >= interval.toNanos(), "gap " + i + " was " + gapNs + " ns");
        }
        assertFalse(announcer.isAnnouncing(vip()));
        assertEquals(5, announcer.framesSent());
        assertEquals(0, announcer.sendErrors());
    }

    @Test
    void shouldStopSendingWhenCancelled() throws Exception {
        announcer.announce("eth0", vip(), 1000, Duration.ofMillis(10));
        RecordingLink eth0 = link("eth0");
        await().atMost(Duration.ofSeconds(5)).until(() -> eth0.frames.size() >= 3);

        assertTrue(announcer.cancel(vip()));
        int afterCancel = eth0.frames.size();

        // A send already under way when cancel() ran may still complete; nothing after it.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                .until(() -> eth0.frames.size() <= afterCancel + 1);
        assertFalse(announcer.isAnnouncing(vip()));
        assertFalse(announcer.cancel(vip()));
    }

    @Test
    void shouldReplaceTheRunningAnnouncementOfTheSameVip() throws Exception {
        announcer.announce("eth0", vip(), 1000, Duration.ofMillis(10));
        announcer.announce("eth1", vip(), 2, Duration.ofMillis(10));
        RecordingLink eth0 = link("eth0");
        RecordingLink eth1 = link("eth1");

        await().atMost(Duration.ofSeconds(5)).until(() -> eth1.frames.size() == 2);
        int eth0Frames = eth0.frames.size();
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1))
                .until(() -> eth0.frames.size() <= eth0Frames + 1 && eth1.frames.size() == 2);
        assertFalse(announcer.isAnnouncing(vip()));
    }

    @Test
    void shouldAnnounceIpv6WithAnUnsolicitedNeighborAdvertisement() throws Exception {
        InetAddress vip6 = InetAddress.getByName("2001:db8::10");
        announcer.announce("eth0", vip6, 1, LONG);

        byte[] frame = link("eth0").frames.get(0);
        NeighborAdvertisementFrame view = new NeighborAdvertisementFrame().wrap(ByteBuffer.wrap(frame));
        assertTrue(view.isNeighborAdvertisement());
        assertTrue(view.isChecksumValid());
        assertEquals(vip6, view.target());
        byte[] mac = new byte[6];
        assertTrue(view.targetMac(mac));
        assertArrayEquals(MAC, mac);
    }

    @Test
    void shouldCountEveryFailedSendAndWarnOncePerAnnouncement() throws Exception {
        announcer.announce("eth0", InetAddress.getByName("198.51.100.99"), 1, LONG); // opens eth0
        link("eth0").failure = new LinuxException("sendto(AF_PACKET, eth0 ifindex=2)", Errno.ENETDOWN);

        announcer.announce("eth0", vip(), 3, Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> announcer.sendErrors() == 3);

        assertEquals(List.of("gratuitous ARP for 198.51.100.10 on eth0 failed at frame 1 of 3, later failures of "
                + "this announcement are only counted: sendto(AF_PACKET, eth0 ifindex=2): Network is down (errno 100)"),
                warnings());

        announcer.announce("eth0", vip(), 1, LONG);
        assertEquals(2, warnings().size(), "a new announcement warns again");
        assertEquals(4, announcer.sendErrors());
        assertEquals(1, announcer.framesSent());
    }

    @Test
    void shouldReopenALinkWhoseInterfaceHasGone() throws Exception {
        announcer.announce("eth0", vip(), 1, LONG);
        RecordingLink first = link("eth0");
        first.failure = new LinuxException("sendto(AF_PACKET, eth0 ifindex=2)", Errno.ENXIO);

        announcer.announce("eth0", vip(), 1, LONG);
        announcer.announce("eth0", vip(), 1, LONG);

        assertEquals(2, opened.size());
        assertTrue(first.closed);
        assertEquals(1, opened.get(1).frames.size());
    }

    @Test
    void shouldWarnAndCountWhenTheLinkCannotBeOpened() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (GratuitousArpAnnouncer broken = new GratuitousArpAnnouncer(scheduler, ifName -> {
            attempts.incrementAndGet();
            throw new LinuxException("if_nametoindex(" + ifName + ")", Errno.ENODEV);
        })) {
            broken.announce("eth9", vip(), 5, Duration.ofMillis(10));

            assertEquals(1, broken.sendErrors());
            assertFalse(broken.isAnnouncing(vip()));
            assertEquals(List.of("gratuitous ARP for 198.51.100.10 on eth9 not sent: cannot open the link: "
                    + "if_nametoindex(eth9): No such device (errno 19)"), warnings());
        }
    }

    @Test
    void shouldRejectNonsenseArguments() throws Exception {
        InetAddress vip = vip();
        assertThrows(IllegalArgumentException.class, () -> announcer.announce("eth0", vip, 0, LONG));
        assertThrows(IllegalArgumentException.class, () -> announcer.announce("eth0", vip, 1, Duration.ofMillis(-1)));
    }

    @Test
    void shouldCancelEverythingAndCloseLinksOnClose() throws Exception {
        announcer.announce("eth0", vip(), 1000, Duration.ofMillis(10));
        announcer.announce("eth1", InetAddress.getByName("2001:db8::10"), 1000, Duration.ofMillis(10));

        announcer.close();

        assertFalse(announcer.isAnnouncing(vip()));
        assertTrue(opened.stream().allMatch(l -> l.closed));
        assertThrows(IllegalStateException.class, () -> announcer.announce("eth0", vip(), 1, LONG));
    }

    /** Records what would have gone on the wire. */
    private static final class RecordingLink implements FrameLink {
        final String ifName;
        final List<byte[]> frames = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<Long> sentAtNs = new CopyOnWriteArrayList<>();
        volatile IOException failure;
        volatile boolean closed;

        RecordingLink(String ifName) {
            this.ifName = ifName;
        }

        @Override
        public byte[] macAddress() {
            return MAC.clone();
        }

        @Override
        public void send(ByteBuffer frame) throws IOException {
            if (closed) {
                throw new IllegalStateException(ifName + " is closed");
            }
            if (failure != null) {
                throw failure;
            }
            long now = System.nanoTime();
            byte[] copy = new byte[frame.remaining()];
            frame.get(copy);
            sentAtNs.add(now);
            threads.add(Thread.currentThread().getName());
            frames.add(copy);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
