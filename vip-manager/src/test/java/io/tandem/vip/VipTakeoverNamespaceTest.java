package io.tandem.vip;

import static io.tandem.vip.AddressTableTest.vip;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tandem.arp.GratuitousArpAnnouncer;
import io.tandem.config.VipSpec;
import io.tandem.linux.NetnsLab;
import io.tandem.linux.RtNetlink;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Takeover and release on a real link: namespace A is the director (vA 198.51.100.1/24,
 * 2001:db8::1/64), B a client (vB 198.51.100.2/24, 2001:db8::2/64) whose neighbour cache still
 * maps the VIPs to the MAC of the director that died.
 */
class VipTakeoverNamespaceTest {
    private static final String MAC_A = "02:00:00:00:00:0a";
    private static final String DEAD_DIRECTOR_MAC = "02:00:00:00:00:99";
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private NetnsLab lab;
    private String nsA;
    private String nsB;
    private RtNetlink rtnl;
    private ScheduledThreadPoolExecutor scheduler;
    private GratuitousArpAnnouncer announcer;
    private VipController controller;

    @BeforeEach
    void createSegment() throws Exception {
        assumeTrue(NetnsLab.isAvailable(), "needs root and ip(8)");
        lab = new NetnsLab();
        nsA = lab.createNamespace();
        nsB = lab.createNamespace();
        lab.addVethPair(nsA, "vA", nsB, "vB");
        NetnsLab.ipIn(nsA, "link", "set", "vA", "address", MAC_A);
        NetnsLab.ipIn(nsA, "addr", "add", "198.51.100.1/24", "dev", "vA");
        NetnsLab.ipIn(nsB, "addr", "add", "198.51.100.2/24", "dev", "vB");
        NetnsLab.ipIn(nsA, "addr", "add", "2001:db8::1/64", "dev", "vA", "nodad");
        NetnsLab.ipIn(nsB, "addr", "add", "2001:db8::2/64", "dev", "vB", "nodad");
        NetnsLab.ipIn(nsB, "neigh", "replace", "198.51.100.10", "lladdr", DEAD_DIRECTOR_MAC, "dev", "vB",
                "nud", "reachable");
        NetnsLab.ipIn(nsB, "neigh", "replace", "2001:db8::10", "lladdr", DEAD_DIRECTOR_MAC, "dev", "vB",
                "nud", "reachable");
        rtnl = lab.callIn(nsA, RtNetlink::open);
        scheduler = new ScheduledThreadPoolExecutor(1);
        announcer = new GratuitousArpAnnouncer(scheduler);
        controller = new VipController(new AddressTable(rtnl), announcer, 3, Duration.ofMillis(100));
    }

    @AfterEach
    void deleteSegment() {
        if (announcer != null) {
            announcer.close();
            scheduler.shutdownNow();
        }
        if (rtnl != null) {
            rtnl.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldTakeTheVipOverSoTheClientReachesUs() throws Exception {
        VipSpec vip = vip("198.51.100.10", 24, null);

        assertTrue(lab.callIn(nsA, () -> controller.acquire(vip)));

        assertTrue(NetnsLab.addresses(nsA, "vA").contains("198.51.100.10/24"));
        await().atMost(DEADLINE).until(() -> MAC_A.equals(NetnsLab.neighbourMac(nsB, "198.51.100.10")));
        try (ServerSocket server = lab.callIn(nsA, () -> new ServerSocket(0, 1, vip.address()))) {
            lab.runIn(nsB, () -> {
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress(vip.address(), server.getLocalPort()), 2000);
                }
            });
        }
    }

    @Test
    void shouldTakeAnIpv6VipOver() throws Exception {
        VipSpec vip = vip("2001:db8::10", 64, null);

        assertTrue(lab.callIn(nsA, () -> controller.acquire(vip)));

        assertTrue(NetnsLab.addresses(nsA, "vA").contains("2001:db8::10/64"));
        await().atMost(DEADLINE).until(() -> MAC_A.equals(NetnsLab.neighbourMac(nsB, "2001:db8::10")));
    }

    @Test
    void shouldGiveTheVipUpOnRelease() throws Exception {
        VipController chatty = new VipController(new AddressTable(rtnl), announcer, 1000, Duration.ofMillis(10));
        VipSpec vip = vip("198.51.100.10", 24, null);
        lab.callIn(nsA, () -> chatty.acquire(vip));

        assertTrue(chatty.release(vip));

        assertFalse(announcer.isAnnouncing(vip.address()));
        assertFalse(NetnsLab.addresses(nsA, "vA").contains("198.51.100.10/24"));
        assertEquals(List.of("198.51.100.1/24"), v4(NetnsLab.addresses(nsA, "vA")));
        assertFalse(chatty.release(vip));
        long sent = announcer.framesSent();
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1))
                .until(() -> announcer.framesSent() <= sent + 1);
    }

    @Test
    void shouldAcquireTwiceWithoutError() throws Exception {
        VipSpec vip = vip("198.51.100.10", 24, null);
        assertTrue(lab.callIn(nsA, () -> controller.acquire(vip)));
        assertFalse(lab.callIn(nsA, () -> controller.acquire(vip)));
        assertEquals(List.of("198.51.100.1/24", "198.51.100.10/24"), v4(NetnsLab.addresses(nsA, "vA")));
    }

    private static List<String> v4(List<String> addresses) {
        return addresses.stream().filter(a -> !a.contains(":")).toList();
    }
}
