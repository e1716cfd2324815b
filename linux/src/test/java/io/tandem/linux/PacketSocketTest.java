package io.tandem.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PacketSocket against the real kernel: a veth pair vA (namespace A) - vB (namespace B); frames
 * sent on vA must arrive on vB byte for byte.
 */
class PacketSocketTest {
    /** IEEE 802 local experimental EtherType: nothing else on the link uses it. */
    private static final int EXPERIMENTAL_ETHERTYPE = 0x88B5;
    private static final String MAC_A = "02:00:00:00:00:0a";
    private static final String MAC_B = "02:00:00:00:00:0b";

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

    @Test
    void shouldDeliverHeapAndDirectFramesByteForByte() throws Exception {
        byte[] first = testFrame(60, 1);
        byte[] second = testFrame(1514, 2);
        try (PacketSocket receiver = lab.callIn(nsB, () -> PacketSocket.openRaw("vB", EXPERIMENTAL_ETHERTYPE));
             PacketSocket sender = lab.callIn(nsA, () -> PacketSocket.openRaw("vA", PacketSocket.ETH_P_NONE))) {
            ByteBuffer heap = ByteBuffer.wrap(new byte[first.length + 20]);
            heap.position(10);
            heap.put(first).flip().position(10);
            sender.send(heap);
            assertEquals(heap.limit(), heap.position(), "send consumes position..limit");

            ByteBuffer direct = ByteBuffer.allocateDirect(second.length);
            direct.put(second).flip();
            sender.send(direct);

            assertArrayEquals(first, receiveOne(receiver));
            assertArrayEquals(second, receiveOne(receiver));
        }
    }

    @Test
    void shouldReportTheBoundInterface() throws Exception {
        int expected = NetnsLab.ipJson(nsA, "link", "show", "dev", "vA").get(0).path("ifindex").asInt();
        try (PacketSocket socket = lab.callIn(nsA, () -> PacketSocket.openRaw("vA"))) {
            assertEquals(expected, socket.ifIndex());
            assertEquals("vA", socket.ifName());
        }
    }

    @Test
    void shouldReceiveOnlyTheBoundInterfaceAndEtherType() throws Exception {
        lab.addLink(nsB, "d0");
        try (PacketSocket arpOnly = lab.callIn(nsB, () -> PacketSocket.openRaw("vB", PacketSocket.ETH_P_ARP));
             PacketSocket otherLink = lab.callIn(nsB, () -> PacketSocket.openRaw("d0"));
             PacketSocket all = lab.callIn(nsB, () -> PacketSocket.openRaw("vB"));
             PacketSocket sender = lab.callIn(nsA, () -> PacketSocket.openRaw("vA", PacketSocket.ETH_P_NONE))) {
            byte[] frame = testFrame(64, 3);
            sender.send(ByteBuffer.wrap(frame));

            assertArrayEquals(frame, receiveOne(all));
            assertEquals(0, arpOnly.receive(ByteBuffer.allocate(2048), 200));
            assertEquals(0, otherLink.receive(ByteBuffer.allocate(2048), 200));
        }
    }

    @Test
    void shouldNotSeeItsOwnOutgoingFrames() throws Exception {
        try (PacketSocket socket = lab.callIn(nsA, () -> PacketSocket.openRaw("vA"))) {
            socket.send(ByteBuffer.wrap(testFrame(60, 4)));
            assertEquals(0, socket.receive(ByteBuffer.allocate(2048), 200));
        }
    }

    @Test
    void shouldTruncateToTheSpaceLeftInTheDestination() throws Exception {
        byte[] frame = testFrame(100, 5);
        try (PacketSocket receiver = lab.callIn(nsB, () -> PacketSocket.openRaw("vB", EXPERIMENTAL_ETHERTYPE));
             PacketSocket sender = lab.callIn(nsA, () -> PacketSocket.openRaw("vA", PacketSocket.ETH_P_NONE))) {
            sender.send(ByteBuffer.wrap(frame));
            ByteBuffer small = ByteBuffer.allocate(40);
            assertEquals(40, receiver.receive(small, 5000));
            assertArrayEquals(Arrays.copyOf(frame, 40), small.array());
        }
    }

    @Test
    void shouldNameInterfaceAndReasonWhenTheLinkIsDown() throws Exception {
        NetnsLab.ipIn(nsA, "link", "set", "vA", "down");
        try (PacketSocket sender = lab.callIn(nsA, () -> PacketSocket.openRaw("vA", PacketSocket.ETH_P_NONE))) {
            LinuxException e = assertThrows(LinuxException.class, () -> sender.send(ByteBuffer.wrap(testFrame(60, 6))));
            assertEquals(Errno.ENETDOWN, e.errno());
            assertEquals("sendto(AF_PACKET, vA ifindex=" + sender.ifIndex() + "): Network is down (errno 100)",
                    e.getMessage());
        }
    }

    @Test
    void shouldRefuseToReceiveOnASendOnlySocket() throws Exception {
        try (PacketSocket sender = lab.callIn(nsA, () -> PacketSocket.openRaw("vA", PacketSocket.ETH_P_NONE))) {
            assertThrows(IllegalStateException.class, () -> sender.receive(ByteBuffer.allocate(64), 0));
        }
    }

    @Test
    void shouldFailToOpenOnAMissingInterface() throws Exception {
        LinuxException e = assertThrows(LinuxException.class, () -> lab.callIn(nsA, () -> PacketSocket.openRaw("nope0")));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("nope0"), e.getMessage());
    }

    @Test
    void shouldRejectUseAfterClose() throws Exception {
        PacketSocket sender = lab.callIn(nsA, () -> PacketSocket.openRaw("vA", PacketSocket.ETH_P_NONE));
        sender.close();
        sender.close();
        assertThrows(IllegalStateException.class, () -> sender.send(ByteBuffer.wrap(testFrame(60, 7))));
    }

    @Test
    void shouldNotAllocatePerSend() throws Exception {
        lab.addLink(nsA, "d0");
        long allocatedPerSend = lab.callIn(nsA, () -> {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            ByteBuffer heap = ByteBuffer.wrap(testFrame(60, 8));
            ByteBuffer direct = ByteBuffer.allocateDirect(60).put(testFrame(60, 9)).flip();
            int sends = 20_000;
            try (PacketSocket socket = PacketSocket.openRaw("d0", PacketSocket.ETH_P_NONE)) {
                for (int i = 0; i < sends; i++) { // warm up: JIT, JNA's first-call setup
                    heap.rewind();
                    socket.send(heap);
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < sends; i++) {
                    heap.rewind();
                    socket.send(heap);
                    direct.rewind();
                    socket.send(direct);
                }
                long after = threads.getCurrentThreadAllocatedBytes();
                return (after - before) / (2L * sends);
            }
        });
        assertEquals(0, allocatedPerSend, "bytes allocated per send");
    }

    private static byte[] receiveOne(PacketSocket receiver) throws LinuxException {
        ByteBuffer buffer = ByteBuffer.allocate(PacketSocket.MAX_FRAME_BYTES);
        int length = receiver.receive(buffer, 5000);
        assertTrue(length > 0, "no frame within 5 s");
        return Arrays.copyOf(buffer.array(), length);
    }
}
