package io.tandem.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PacketRing, the BPF filter and neighbour lookups against the real kernel: a veth pair vA
 * (namespace A, 198.51.100.1) - vB (namespace B, 198.51.100.2).
 */
class PacketRingTest {
    private static final int EXPERIMENTAL_ETHERTYPE = 0x88B5;
    private static final String MAC_A = "02:00:00:00:00:0a";
    private static final String MAC_B = "02:00:00:00:00:0b";
    /** 64 blocks of 16 KiB retired after 10 ms: holds a burst the test sends before it reads. */
    private static final PacketRing.Geometry SMALL = new PacketRing.Geometry(16 * 1024, 64, 10);

    private NetnsLab lab;
    private String nsA;
    private String nsB;

    @BeforeEach
    void createVethPair() {
        assumeTrue(NetnsLab.isAvailable(), "needs root and ip(8)");
        lab = new NetnsLab();
        nsA = lab.createNamespace();
        nsB = lab.createNamespace();
        lab.addVethPair(nsA, "vA", nsB, "vB");
        NetnsLab.ipIn(nsA, "link", "set", "vA", "address", MAC_A);
        NetnsLab.ipIn(nsB, "link", "set", "vB", "address", MAC_B);
        NetnsLab.ipIn(nsA, "addr", "add", "198.51.100.1/24", "dev", "vA");
        NetnsLab.ipIn(nsB, "addr", "add", "198.51.100.2/24", "dev", "vB");
    }

    @AfterEach
    void deleteNamespaces() {
        if (lab != null) {
            lab.close();
        }
    }

    private static byte[] testFrame(int length, int seed) {
        byte[] frame = new byte[length];
        System.arraycopy(NetnsLab.macBytes(MAC_B), 0, frame, 0, 6);
        System.arraycopy(NetnsLab.macBytes(MAC_A), 0, frame, 6, 6);
        frame[12] = (byte) (EXPERIMENTAL_ETHERTYPE >> 8);
        frame[13] = (byte) EXPERIMENTAL_ETHERTYPE;
        for (int i = 14; i < length; i++) {
            frame[i] = (byte) (i * 7 + seed);
        }
        return frame;
    }

    /** Frames of the experimental EtherType walked from the ring within 5 s, until {@code count}. */
    private static List<byte[]> walk(PacketRing ring, int count, int etherType) throws LinuxException {
        List<byte[]> got = new ArrayList<>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (got.size() < count && deadline - System.nanoTime() > 0) {
            ring.awaitFrames(50);
            while (ring.nextFrame()) {
                ByteBuffer b = ring.buffer();
                if ((b.getShort(ring.frameOffset() + 12) & 0xFFFF) == etherType) {
                    byte[] f = new byte[ring.frameLength()];
                    b.get(ring.frameOffset(), f);
                    got.add(f);
                }
            }
        }
        return got;
    }

    @Test
    void shouldWalkManyFramesAcrossBlocksByteForByte() throws Exception {
        int count = 300;
        try (PacketRing ring = lab.callIn(nsB, () -> PacketRing.open("vB", SMALL, -1));
             PacketSocket sender = lab.callIn(nsA, () -> PacketSocket.openRaw("vA", PacketSocket.ETH_P_NONE))) {
            List<byte[]> sent = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] f = testFrame(60 + (i * 37) % 1400, i);
                sent.add(f);
                sender.send(ByteBuffer.wrap(f));
                if (i % 50 == 49) {
                    got.addAll(walk(ring, 50, EXPERIMENTAL_ETHERTYPE));
                }
            }
            ring.readStatistics();
            StringBuilder missing = new StringBuilder();
            int j = 0;
            for (int i = 0; i < count && j < got.size(); i++) {
                if (java.util.Arrays.equals(sent.get(i), got.get(j))) {
                    j++;
                } else {
                    missing.append(i).append(' ');
                }
            }
            assertEquals(count, got.size(), "ring received " + ring.receivedFrames() + ", dropped "
                    + ring.droppedFrames() + " missing " + missing);
            for (int i = 0; i < count; i++) {
                assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
            }
        }
    }

    @Test
    void shouldSendStraightOutOfTheRing() throws Exception {
        try (PacketRing ringB = lab.callIn(nsB, () -> PacketRing.open("vB", SMALL, -1));
             PacketRing ringA = lab.callIn(nsA, () -> PacketRing.open("vA", SMALL, -1))) {
            byte[] frame = testFrame(200, 9);
            ByteBuffer tx = ringA.txBuffer();
            tx.put(0, frame);
            assertTrue(ringA.sendTxBuffer(frame.length));
            List<byte[]> got = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got.isEmpty() && deadline - System.nanoTime() > 0) {
                ringB.awaitFrames(50);
                while (ringB.nextFrame()) {
                    // Bounce it back from ring memory: swap the MACs in place and send.
                    ByteBuffer b = ringB.buffer();
                    int at = ringB.frameOffset();
                    if ((b.getShort(at + 12) & 0xFFFF) != EXPERIMENTAL_ETHERTYPE) {
                        continue;
                    }
                    for (int i = 0; i < 6; i++) {
                        byte d = b.get(at + i);
                        b.put(at + i, b.get(at + 6 + i));
                        b.put(at + 6 + i, d);
                    }
                    assertTrue(ringB.send(at, ringB.frameLength()));
                    got.add(frame);
                }
            }
            List<byte[]> back = walk(ringA, 1, EXPERIMENTAL_ETHERTYPE);
            assertEquals(1, back.size());
            byte[] expected = frame.clone();
            System.arraycopy(frame, 6, expected, 0, 6);
            System.arraycopy(frame, 0, expected, 6, 6);
            assertArrayEquals(expected, back.get(0));
            assertEquals(0, ringB.sendErrors());
        }
    }

    @Test
    void shouldSendQueuedFramesInOrderThroughTheTxRing() throws Exception {
        int count = 1000;
        try (PacketRing ringB = lab.callIn(nsB, () -> PacketRing.open("vB", SMALL, -1));
             PacketRing ringA = lab.callIn(nsA, () -> PacketRing.open("vA", SMALL.withTxFrames(64), -1))) {
            assertTrue(ringA.hasTxRing());
            List<byte[]> sent = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (i == 500) {
                    // Over the MTU: the kernel rejects it, and the frames behind it still go.
                    ringA.txBuffer().put(0, testFrame(1900, i));
                    assertTrue(ringA.queueTxBuffer(1900));
                }
                byte[] f = testFrame(60 + (i * 131) % 1454, i);
                sent.add(f);
                ringA.txBuffer().put(0, f);
                assertTrue(ringA.queueTxBuffer(f.length), "frame " + i);
                if (i % 20 == 19) {
                    ringA.flush();
                    got.addAll(walk(ringB, 20, EXPERIMENTAL_ETHERTYPE));
                }
            }
            assertEquals(count, got.size());
            for (int i = 0; i < count; i++) {
                assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
            }
            assertEquals(0, ringA.sendErrors());
            ringB.readStatistics();
            assertEquals(0, ringB.droppedFrames());
            assertTrue(ringB.receivedFrames() >= count, "received " + ringB.receivedFrames());
        }
    }

    @Test
    void shouldFlagPartialChecksumsAndFilterByFlow() throws Exception {
        int vbAddress = 0xC6336402;
        BpfProgram filter = BpfProgram.ipv4Flows(List.of(
                new BpfProgram.Match(17, vbAddress, 9, false),
                new BpfProgram.Match(6, vbAddress, 80, false)));
        try (PacketRing ring = lab.callIn(nsB, () -> PacketRing.open("vB", SMALL, -1, filter))) {
            lab.runIn(nsA, () -> {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("198.51.100.1", 0))) {
                    byte[] payload = new byte[100];
                    for (int port : new int[] {7, 9, 11, 9}) {
                        s.send(new DatagramPacket(payload, payload.length, InetAddress.getByName("198.51.100.2"), port));
                    }
                }
            });
            List<Integer> ports = new ArrayList<>();
            List<Integer> statuses = new ArrayList<>();
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (ports.size() < 2 && deadline - System.nanoTime() > 0) {
                ring.awaitFrames(50);
                while (ring.nextFrame()) {
                    ByteBuffer b = ring.buffer();
                    int at = ring.frameOffset();
                    ports.add(b.getShort(at + 14 + 20 + 2) & 0xFFFF);
                    statuses.add(ring.frameStatus());
                }
            }
            assertEquals(List.of(9, 9), ports, "only UDP to port 9 passes the filter (no ARP, no port 7/11)");
            assertTrue((statuses.get(0) & PacketRing.TP_STATUS_CSUMNOTREADY) != 0,
                    "veth leaves the UDP checksum partial: status " + statuses.get(0));
        }
    }

    @Test
    void shouldShareFlowsBetweenRingsOfOneFanoutGroup() throws Exception {
        try (PacketRing first = lab.callIn(nsB, () -> PacketRing.open("vB", SMALL, 4242));
             PacketRing second = lab.callIn(nsB, () -> PacketRing.open("vB", SMALL, 4242))) {
            BpfProgram udpToB = BpfProgram.ipv4Flows(List.of(new BpfProgram.Match(17, 0xC6336402, 0, false)));
            first.attachFilter(udpToB);
            second.attachFilter(udpToB);
            int flows = 64;
            lab.runIn(nsA, () -> {
                for (int i = 0; i < flows; i++) {
                    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("198.51.100.1", 20000 + i))) {
                        s.send(new DatagramPacket(new byte[10], 10, InetAddress.getByName("198.51.100.2"), 9));
                    }
                }
            });
            int[] counts = new int[2];
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (counts[0] + counts[1] < flows && deadline - System.nanoTime() > 0) {
                first.awaitFrames(second, 50);
                while (first.nextFrame()) {
                    counts[0]++;
                }
                while (second.nextFrame()) {
                    counts[1]++;
                }
            }
            assertEquals(flows, counts[0] + counts[1], "each frame reaches exactly one ring of the group");
            assertTrue(counts[0] > 0 && counts[1] > 0, "flows are spread: " + counts[0] + " / " + counts[1]);
        }
    }

    @Test
    void shouldResolveNeighbourOnRequest() throws Exception {
        InetAddress peer = InetAddress.getByName("198.51.100.2");
        try (RtNetlink rtnl = lab.callIn(nsA, RtNetlink::open)) {
            int ifIndex = rtnl.linkIndex("vA");
            assertNull(rtnl.neighbour(ifIndex, peer), "nothing known before");
            rtnl.resolveNeighbour(ifIndex, peer);
            NeighbourEntry entry = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3))
                    .pollInterval(java.time.Duration.ofMillis(20))
                    .until(() -> rtnl.neighbour(ifIndex, peer), e -> e != null && e.isUsable());
            assertNotNull(entry);
            assertTrue(entry.isUsable(), "state " + entry.state());
            assertArrayEquals(NetnsLab.macBytes(MAC_B), entry.mac());
            assertEquals(0x02_00_00_00_00_0BL, entry.macAsLong());
            assertFalse(rtnl.neighbour(ifIndex, InetAddress.getByName("198.51.100.99")) != null
                    && rtnl.neighbour(ifIndex, InetAddress.getByName("198.51.100.99")).isUsable());
        }
    }
}
