package io.tandem.arp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tandem.linux.NetnsLab;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A watches the VIP on vA; B, on the other end of the veth, claims it. */
class ArpWatcherNamespaceTest {
    private static final String MAC_A = "02:00:00:00:00:0a";
    private static final String MAC_B = "02:00:00:00:00:0b";

    private NetnsLab lab;
    private String nsA;
    private String nsB;
    private ScheduledThreadPoolExecutor scheduler;
    private GratuitousArpAnnouncer announcerB;
    private ArpWatcher watcher;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void createSegment() throws Exception {
        assumeTrue(NetnsLab.isAvailable(), "needs root and ip(8)");
        lab = new NetnsLab();
        nsA = lab.createNamespace();
        nsB = lab.createNamespace();
        lab.addVethPair(nsA, "vA", nsB, "vB");
        NetnsLab.ipIn(nsA, "link", "set", "vA", "address", MAC_A);
        NetnsLab.ipIn(nsB, "link", "set", "vB", "address", MAC_B);
        NetnsLab.ipIn(nsA, "addr", "add", "198.51.100.1/24", "dev", "vA");
        NetnsLab.ipIn(nsB, "addr", "add", "198.51.100.2/24", "dev", "vB");
        scheduler = new ScheduledThreadPoolExecutor(1);
        announcerB = new GratuitousArpAnnouncer(scheduler);
        watcher = new ArpWatcher((ifName, vip, mac, known, gratuitous) -> seen.add(ifName + " " + vip.getHostAddress() + " "
                + NetnsLab.macText(mac) + " " + (known ? "peer" : "stranger") + (gratuitous ? " gratuitous" : "")));
    }

    @AfterEach
    void deleteSegment() {
        if (watcher != null) {
            watcher.close();
        }
        if (announcerB != null) {
            announcerB.close();
            scheduler.shutdownNow();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldReportAnotherMacClaimingOurVipAndTellWhetherItIsThePeer() throws Exception {
        Inet4Address vip = (Inet4Address) InetAddress.getByName("198.51.100.10");
        lab.runIn(nsA, () -> watcher.watchVip("vA", vip, NetnsLab.macBytes(MAC_A)));

        lab.runIn(nsB, () -> announcerB.announce("vB", vip, 1, Duration.ZERO));
        await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
        assertEquals("vA 198.51.100.10 " + MAC_B + " stranger gratuitous", seen.get(0), "B is not known as the peer yet");

        // B's kernel answers A's probe for 198.51.100.2: that is how A learns the peer's MAC.
        lab.runIn(nsA, () -> watcher.watchPeer("vA", (Inet4Address) InetAddress.getByName("198.51.100.2"),
                NetnsLab.macBytes(MAC_A)));
        // Rate limit: one report per VIP per second, so wait past it before B claims the VIP again.
        await().pollDelay(Duration.ofMillis(1100)).atMost(Duration.ofSeconds(5)).until(() -> true);
        lab.runIn(nsB, () -> announcerB.announce("vB", vip, 1, Duration.ZERO));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
        assertEquals("vA 198.51.100.10 " + MAC_B + " peer gratuitous", seen.get(1), "B's MAC was learnt from its own address");
        assertTrue(watcher.conflicts() >= 2);
    }

    @Test
    void aKernelsPlainArpReplyForTheVipShouldNotCountAsAnAnnouncement() throws Exception {
        Inet4Address vip = (Inet4Address) InetAddress.getByName("198.51.100.10");
        // B holds the VIP in its kernel (as a director whose daemon was killed would); A asks for it.
        NetnsLab.ipIn(nsB, "addr", "add", "198.51.100.10/24", "dev", "vB");
        lab.runIn(nsA, () -> watcher.watchVip("vA", vip, NetnsLab.macBytes(MAC_A)));
        NetnsLab.ipIn(nsA, "neigh", "flush", "dev", "vA");
        lab.runIn(nsA, () -> {
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket()) {
                udp.send(new java.net.DatagramPacket(new byte[1], 1, vip, 9));
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
        assertEquals("vA 198.51.100.10 " + MAC_B + " stranger", seen.get(0));
    }

    @Test
    void shouldIgnoreOurOwnMacAndOtherAddresses() throws Exception {
        Inet4Address vip = (Inet4Address) InetAddress.getByName("198.51.100.10");
        lab.runIn(nsA, () -> watcher.watchVip("vA", vip, NetnsLab.macBytes(MAC_B)));
        lab.runIn(nsB, () -> announcerB.announce("vB", InetAddress.getByName("198.51.100.20"), 1, Duration.ZERO));
        lab.runIn(nsB, () -> announcerB.announce("vB", vip, 1, Duration.ZERO));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(seen::isEmpty);
        assertEquals(0, watcher.conflicts());
    }
}
