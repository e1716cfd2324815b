package io.tandem.vip;

import static io.tandem.vip.AddressTableTest.vip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.tandem.arp.ArpFrame;
import io.tandem.arp.FrameLink;
import io.tandem.arp.GratuitousArpAnnouncer;
import io.tandem.config.VipSpec;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Order of kernel and announcement work, idempotence and log lines (in-memory kernel, no root). */
class VipControllerTest {
    private FakeAddressKernel kernel;
    private final Map<String, List<byte[]>> framesByLink = new ConcurrentHashMap<>();
    private ScheduledThreadPoolExecutor scheduler;
    private GratuitousArpAnnouncer announcer;
    private VipController controller;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        kernel = new FakeAddressKernel().link("eth0", 2).address("eth0", "198.51.100.2", 25)
                .address("eth0", "2001:db8:0:1::2", 64);
        scheduler = new ScheduledThreadPoolExecutor(1);
        announcer = new GratuitousArpAnnouncer(scheduler, ifName -> new FrameLink() {
            @Override
            public byte[] macAddress() {
                return new byte[] {2, 0, 0, 0, 0, 0x0a};
            }

            @Override
            public void send(ByteBuffer frame) {
                byte[] copy = new byte[frame.remaining()];
                frame.get(copy);
                framesByLink.computeIfAbsent(ifName, k -> new CopyOnWriteArrayList<>()).add(copy);
            }

            @Override
            public void close() {
            }
        });
        controller = new VipController(new AddressTable(kernel), announcer, 5, Duration.ofMillis(200));
        log = new LogCapture(VipController.class);
    }

    @AfterEach
    void stop() {
        log.close();
        announcer.close();
        scheduler.shutdownNow();
    }

    private int frames(String ifName) {
        return framesByLink.getOrDefault(ifName, List.of()).size();
    }

    @Test
    void shouldAddTheVipThenAnnounceItOnItsDevice() throws Exception {
        VipSpec vip = vip("198.51.100.10", 24, null);

        assertTrue(controller.acquire(vip));

        assertTrue(kernel.addresses("eth0").contains("198.51.100.10/24"));
        assertTrue(frames("eth0") >= 1, "first frame sent before acquire returns");
        ArpFrame frame = new ArpFrame().wrap(ByteBuffer.wrap(framesByLink.get("eth0").get(0)));
        assertEquals(InetAddress.getByName("198.51.100.10"), frame.senderIp());
        assertTrue(announcer.isAnnouncing(vip.address()));
        assertEquals(List.of("vip 198.51.100.10/24 added on eth0, announcing 5 x gratuitous ARP 200ms apart"),
                log.lines(Level.INFO));
    }

    @Test
    void shouldAnnounceAnIpv6VipWithNeighborAdvertisements() throws Exception {
        controller.acquire(vip("2001:db8:0:1::10", 64, null));
        assertEquals(List.of("vip 2001:db8:0:1::10/64 added on eth0, announcing 5 x unsolicited neighbor "
                + "advertisement 200ms apart"), log.lines(Level.INFO));
    }

    @Test
    void shouldAcquireIdempotentlyAndAnnounceAgain() throws Exception {
        // Repeats an hour apart: every frame counted here is one sent by acquire itself.
        VipController slow = new VipController(new AddressTable(kernel), announcer, 5, Duration.ofHours(1));
        VipSpec vip = vip("198.51.100.10", 24, null);
        slow.acquire(vip);

        assertFalse(slow.acquire(vip));

        assertEquals(List.of("198.51.100.2/25", "2001:db8:0:1::2/64", "198.51.100.10/24"), kernel.addresses("eth0"));
        assertEquals(2, frames("eth0"));
        assertEquals("vip 198.51.100.10/24 already on eth0, announcing 5 x gratuitous ARP 3600000ms apart",
                log.lines(Level.INFO).get(1));
    }

    @Test
    void shouldStopAnnouncingAndRemoveTheVipOnRelease() throws Exception {
        VipSpec vip = vip("198.51.100.10", 24, null);
        controller.acquire(vip);

        assertTrue(controller.release(vip));

        assertFalse(announcer.isAnnouncing(vip.address()));
        assertFalse(kernel.addresses("eth0").contains("198.51.100.10/24"));
        assertEquals("vip 198.51.100.10/24 removed from eth0", log.lines(Level.INFO).get(1));
    }

    @Test
    void shouldReleaseIdempotently() throws Exception {
        VipSpec vip = vip("198.51.100.10", 24, null);
        assertFalse(controller.release(vip));
        assertEquals(List.of("vip 198.51.100.10/24 released: it was not on any interface"), log.lines(Level.INFO));
    }

    @Test
    void shouldNotAnnounceAVipItCouldNotPlace() throws Exception {
        assertThrows(VipPlacementException.class, () -> controller.acquire(vip("198.51.100.200", 25, null)));
        assertTrue(framesByLink.isEmpty());
        assertEquals(0, announcer.framesSent());
    }

    @Test
    void shouldRejectANonsenseGarpCount() {
        AddressTable table = new AddressTable(kernel);
        assertThrows(IllegalArgumentException.class, () -> new VipController(table, announcer, 0, Duration.ZERO));
    }
}
