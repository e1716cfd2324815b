package io.tandem.arp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tandem.linux.NetnsLab;
import io.tandem.linux.PacketSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Announcements on a real link: namespace A (the director taking the VIP over, vA) and B (a
 * client on the same segment, vB) joined by a veth pair. B's neighbour cache holds the VIP at a
 * stale MAC, as after a takeover; A's announcement must move it to A's MAC.
 */
class GratuitousArpNamespaceTest {
    private static final String MAC_A = "02:00:00:00:00:0a";
    private static final String OLD_MAC = "02:00:00:00:00:99";
    private static final Duration NEIGHBOUR_UPDATE_DEADLINE = Duration.ofSeconds(5);

    private NetnsLab lab;
    private String nsA;
    private String nsB;
    private ScheduledThreadPoolExecutor scheduler;
    private GratuitousArpAnnouncer announcer;

    @BeforeEach
    void createSegment() {
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
        scheduler = new ScheduledThreadPoolExecutor(1);
        announcer = new GratuitousArpAnnouncer(scheduler);
    }

    @AfterEach
    void deleteSegment() {
        if (announcer != null) {
            announcer.close();
            scheduler.shutdownNow();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldPutOurMacAndTheVipInEveryFrame() throws Exception {
        InetAddress vip = InetAddress.getByName("198.51.100.10");
        try (PacketSocket capture = lab.callIn(nsB, () -> PacketSocket.openRaw("vB", PacketSocket.ETH_P_ARP))) {
            lab.runIn(nsA, () -> announcer.announce("vA", vip, 3, Duration.ofMillis(50)));

            List<byte[]> frames = new ArrayList<>();
            ByteBuffer buffer = ByteBuffer.allocate(2048);
            ArpFrame view = new ArpFrame();
            while (frames.size() < 3) {
                buffer.clear();
                int length = capture.receive(buffer, 5000);
                assertTrue(length > 0, "only " + frames.size() + " of 3 frames arrived within 5 s");
                if (view.wrap(buffer.flip()).isIpv4OverEthernet() && view.isGratuitous()) {
                    frames.add(Arrays.copyOf(buffer.array(), length));
                }
            }

            byte[] macA = NetnsLab.macBytes(MAC_A);
            byte[] mac = new byte[6];
            for (byte[] frame : frames) {
                assertEquals(ArpFrame.FRAME_BYTES, frame.length);
                view.wrap(ByteBuffer.wrap(frame));
                assertEquals(ArpFrame.OPER_REQUEST, view.operation());
                view.ethDestination(mac);
                assertArrayEquals(NetnsLab.macBytes("ff:ff:ff:ff:ff:ff"), mac);
                view.ethSource(mac);
                assertArrayEquals(macA, mac);
                view.senderMac(mac);
                assertArrayEquals(macA, mac);
                view.targetMac(mac);
                assertArrayEquals(new byte[6], mac);
                assertEquals(vip, view.senderIp());
                assertEquals(vip, view.targetIp());
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> announcer.framesSent() == 3);
        }
    }

    @Test
    void shouldMoveThePeersNeighbourEntryForTheVipToOurMac() throws Exception {
        NetnsLab.ipIn(nsB, "neigh", "replace", "198.51.100.10", "lladdr", OLD_MAC, "dev", "vB", "nud", "reachable");
        assertEquals(OLD_MAC, NetnsLab.neighbourMac(nsB, "198.51.100.10"));

        lab.runIn(nsA, () -> announcer.announce("vA", InetAddress.getByName("198.51.100.10"), 3,
                Duration.ofMillis(100)));

        await().atMost(NEIGHBOUR_UPDATE_DEADLINE)
                .until(() -> MAC_A.equals(NetnsLab.neighbourMac(nsB, "198.51.100.10")));
    }

    @Test
    void shouldMoveThePeersIpv6NeighbourEntryForTheVipToOurMac() throws Exception {
        NetnsLab.ipIn(nsB, "neigh", "replace", "2001:db8::10", "lladdr", OLD_MAC, "dev", "vB", "nud", "reachable");
        assertEquals(OLD_MAC, NetnsLab.neighbourMac(nsB, "2001:db8::10"));

        lab.runIn(nsA, () -> announcer.announce("vA", InetAddress.getByName("2001:db8::10"), 3,
                Duration.ofMillis(100)));

        await().atMost(NEIGHBOUR_UPDATE_DEADLINE)
                .until(() -> MAC_A.equals(NetnsLab.neighbourMac(nsB, "2001:db8::10")));
    }

    @Test
    void shouldMoveThePeersNeighbourEntryWithAGratuitousReplyToo() throws Exception {
        NetnsLab.ipIn(nsB, "neigh", "replace", "198.51.100.10", "lladdr", OLD_MAC, "dev", "vB", "nud", "reachable");
        ByteBuffer reply = ByteBuffer.allocate(ArpFrame.FRAME_BYTES);
        ArpFrame.writeGratuitousReply(reply, NetnsLab.macBytes(MAC_A),
                (Inet4Address) InetAddress.getByName("198.51.100.10"));

        try (PacketSocket sender = lab.callIn(nsA, () -> PacketSocket.openRaw("vA", PacketSocket.ETH_P_NONE))) {
            sender.send(reply.flip());
        }

        await().atMost(NEIGHBOUR_UPDATE_DEADLINE)
                .until(() -> MAC_A.equals(NetnsLab.neighbourMac(nsB, "198.51.100.10")));
    }
}
