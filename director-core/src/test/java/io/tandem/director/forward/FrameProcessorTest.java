package io.tandem.director.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.director.ForwardingEngine;
import io.tandem.director.ForwardingMethod;
import io.tandem.director.IpAddresses;
import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.conn.ConnectionTimeouts;
import io.tandem.director.forward.ForwarderCounters.Counter;
import io.tandem.director.packet.EthernetFrame;
import io.tandem.director.packet.PacketView;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-frame logic without a kernel: frames in plain buffers, results checked byte by byte. */
class FrameProcessorTest {
    static final long CLIENT_MAC = 0x02_00_00_00_00_01L;
    static final long DIRECTOR_MAC = 0x02_00_00_00_00_03L;
    static final long SERVER_MAC = 0x02_00_00_00_00_21L;
    static final int CLIENT = 0xC633_6402;
    static final int VIP = 0xC633_640A;
    static final int SERVER = 0xC633_6415;
    static final long T0 = 1_000_000_000L;

    private final ForwarderCounters counters = new ForwarderCounters();
    private final ByteBuffer tx = ByteBuffer.allocate(65536);
    private final PacketView view = new PacketView();

    static FrameProcessor processor(ForwardingMethod method, ForwarderCounters counters, InetAddress tunnelSource)
            throws Exception {
        VirtualService service = VirtualService.of(Protocol.TCP, InetAddress.getByName("198.51.100.10"), 80,
                SchedulerSpec.of(SchedulerName.RR),
                List.of(new RealServer(InetAddress.getByName("198.51.100.21"), method == ForwardingMethod.NAT ? 8080 : 0,
                        1, method))).withForwarding(method);
        ForwardingEngine engine = new ForwardingEngine(new ServiceTable(List.of(service)), 100_000,
                ConnectionTimeouts.IPVS_DEFAULTS, T0);
        FrameProcessor p = new FrameProcessor(engine, counters, DIRECTOR_MAC, DIRECTOR_MAC, 1500, tunnelSource, null);
        p.setServerMac(0, SERVER_MAC);
        return p;
    }

    /** A TCP frame from {@code source:sourcePort} to {@code destination:destinationPort}, valid checksums. */
    static ByteBuffer tcp(int source, int sourcePort, int destination, int destinationPort, long sourceMac,
            long destinationMac, int payloadBytes) {
        ByteBuffer b = io.tandem.director.packet.TestFramesAccess.ipv4(6, source, sourcePort, destination,
                destinationPort, payloadBytes);
        EthernetFrame.putMacs(b, 0, destinationMac, sourceMac);
        return b;
    }

    @Test
    void shouldRewriteOnlyTheMacsForDirectRouting() throws Exception {
        FrameProcessor p = processor(ForwardingMethod.DIRECT_ROUTING, counters, null);
        ByteBuffer b = tcp(CLIENT, 40000, VIP, 80, CLIENT_MAC, DIRECTOR_MAC, 10);

        assertEquals(FrameProcessor.SEND_IN_PLACE, p.onFrame(b, 0, b.capacity(), 0, false, tx, T0));

        assertEquals(FrameProcessor.SERVER_SIDE, p.sendSide());
        assertEquals(b.capacity(), p.sendLength());
        assertEquals(SERVER_MAC, EthernetFrame.mac(b, 0));
        assertEquals(DIRECTOR_MAC, EthernetFrame.mac(b, 6));
        assertEquals(VIP, b.getInt(14 + 16), "DR leaves the VIP as destination");
        assertEquals(1, counters.get(Counter.FORWARDED));
    }

    @Test
    void shouldCompleteAPartialChecksumBeforeSending() throws Exception {
        FrameProcessor p = processor(ForwardingMethod.DIRECT_ROUTING, counters, null);
        ByteBuffer b = tcp(CLIENT, 40000, VIP, 80, CLIENT_MAC, DIRECTOR_MAC, 33);
        view.parse(b, 0, b.capacity());
        int full = b.getShort(view.checksumOffset());
        io.tandem.director.packet.TestFramesAccess.makePartial(view);

        p.onFrame(b, 0, b.capacity(), 0, true, tx, T0);

        assertEquals(full, b.getShort(view.checksumOffset()));
    }

    @Test
    void shouldPassFramesForOtherHostsAndOtherServices() throws Exception {
        FrameProcessor p = processor(ForwardingMethod.DIRECT_ROUTING, counters, null);
        ByteBuffer flooded = tcp(CLIENT, 40000, VIP, 80, CLIENT_MAC, SERVER_MAC, 0);
        ByteBuffer otherPort = tcp(CLIENT, 40000, VIP, 22, CLIENT_MAC, DIRECTOR_MAC, 0);

        assertEquals(FrameProcessor.PASS, p.onFrame(flooded, 0, flooded.capacity(), 0, false, tx, T0));
        assertEquals(FrameProcessor.PASS, p.onFrame(otherPort, 0, otherPort.capacity(), 0, false, tx, T0));

        assertEquals(1, counters.get(Counter.OTHER_HOST));
        assertEquals(1, counters.get(Counter.PASSED));
        assertEquals(SERVER_MAC, EthernetFrame.mac(flooded, 0), "left untouched");
    }

    @Test
    void shouldDropAndAskForTheMacOfAnUnresolvedServer() throws Exception {
        FrameProcessor p = processor(ForwardingMethod.DIRECT_ROUTING, counters, null);
        p.setServerMac(0, EthernetFrame.NO_MAC);
        ByteBuffer b = tcp(CLIENT, 40000, VIP, 80, CLIENT_MAC, DIRECTOR_MAC, 0);

        assertEquals(FrameProcessor.DROP, p.onFrame(b, 0, b.capacity(), 0, false, tx, T0));

        assertTrue(p.isServerMacWanted(0));
        assertTrue(p.takeServerMacMissing());
        assertFalse(p.takeServerMacMissing());
        assertEquals(1, counters.get(Counter.DROP_NO_SERVER_MAC));
    }

    @Test
    void shouldTranslateBothWaysThroughNat() throws Exception {
        FrameProcessor p = processor(ForwardingMethod.NAT, counters, null);
        ByteBuffer in = tcp(CLIENT, 40000, VIP, 80, CLIENT_MAC, DIRECTOR_MAC, 20);

        assertEquals(FrameProcessor.SEND_IN_PLACE, p.onFrame(in, 0, in.capacity(), 0, false, tx, T0));
        view.parse(in, 0, in.capacity());
        assertEquals(IpAddresses.ipv4Low(SERVER), view.destinationLow());
        assertEquals(8080, view.destinationPort());
        assertEquals(SERVER_MAC, EthernetFrame.mac(in, 0));
        assertTrue(io.tandem.director.packet.TestFramesAccess.checksumsVerify(view));

        ByteBuffer reply = tcp(SERVER, 8080, CLIENT, 40000, SERVER_MAC, DIRECTOR_MAC, 100);
        assertEquals(FrameProcessor.SEND_IN_PLACE, p.onFrame(reply, 0, reply.capacity(), 1, false, tx, T0));
        assertEquals(FrameProcessor.CLIENT_SIDE, p.sendSide());
        view.parse(reply, 0, reply.capacity());
        assertEquals(IpAddresses.ipv4Low(VIP), view.sourceLow());
        assertEquals(80, view.sourcePort());
        assertEquals(CLIENT_MAC, EthernetFrame.mac(reply, 0), "the client's MAC learnt from its packet");
        assertTrue(io.tandem.director.packet.TestFramesAccess.checksumsVerify(view));
        assertEquals(1, counters.get(Counter.REPLIES_FORWARDED));
    }

    @Test
    void shouldSendTheReplyOfASyncedNatConnectionToTheMacItsClientWasSeenWith() throws Exception {
        ClientMacCache cache = new ClientMacCache();
        // A processor of a forwarder (the rings reopened) over an engine that learnt a
        // connection by sync: its entry has no client MAC, the client was seen on another one.
        VirtualService service = VirtualService.of(Protocol.TCP, InetAddress.getByName("198.51.100.10"), 80,
                SchedulerSpec.of(SchedulerName.RR), List.of(new RealServer(InetAddress.getByName("198.51.100.21"),
                        8080, 1, ForwardingMethod.NAT))).withForwarding(ForwardingMethod.NAT);
        ForwardingEngine engine = new ForwardingEngine(new ServiceTable(List.of(service)), 1000,
                ConnectionTimeouts.IPVS_DEFAULTS, T0);
        FrameProcessor p = new FrameProcessor(engine, counters, DIRECTOR_MAC, DIRECTOR_MAC, 1500, null, null, cache);
        p.setServerMac(0, SERVER_MAC);
        ByteBuffer other = tcp(CLIENT, 41000, VIP, 80, CLIENT_MAC, DIRECTOR_MAC, 20);
        assertEquals(FrameProcessor.SEND_IN_PLACE, p.onFrame(other, 0, other.capacity(), 0, false, tx, T0));
        engine.connections().upsertSynced(6, false, 0, IpAddresses.ipv4Low(CLIENT), 40000, 0,
                IpAddresses.ipv4Low(VIP), 80, 0, io.tandem.director.conn.TcpStates.ESTABLISHED,
                io.tandem.director.conn.ConnectionTable.INDEX_REPLIES, 900_000_000_000L, T0);

        ByteBuffer reply = tcp(SERVER, 8080, CLIENT, 40000, SERVER_MAC, DIRECTOR_MAC, 100);
        assertEquals(FrameProcessor.SEND_IN_PLACE, p.onFrame(reply, 0, reply.capacity(), 1, false, tx, T0),
                "a download's data must not wait for a packet the client has no reason to send");
        assertEquals(CLIENT_MAC, EthernetFrame.mac(reply, 0));
        assertEquals(0, counters.get(Counter.DROP_NO_CLIENT_MAC));
    }

    @Test
    void shouldBuildAnIpipFrameForTunnelServers() throws Exception {
        FrameProcessor p = processor(ForwardingMethod.TUNNEL, counters, InetAddress.getByName("198.51.100.3"));
        ByteBuffer b = tcp(CLIENT, 40000, VIP, 80, CLIENT_MAC, DIRECTOR_MAC, 20);

        assertEquals(FrameProcessor.SEND_BUILT, p.onFrame(b, 0, b.capacity(), 0, false, tx, T0));

        assertEquals(b.capacity() + 20, p.sendLength());
        assertEquals(4, tx.get(14 + 9));
        assertEquals(SERVER, tx.getInt(14 + 16));
        assertEquals(b.slice(14, b.capacity() - 14), tx.slice(34, b.capacity() - 14));
    }

    @Test
    void shouldDropTunnelTrafficWithoutATunnelSource() throws Exception {
        FrameProcessor p = processor(ForwardingMethod.TUNNEL, counters, null);
        ByteBuffer b = tcp(CLIENT, 40000, VIP, 80, CLIENT_MAC, DIRECTOR_MAC, 0);
        assertEquals(FrameProcessor.DROP, p.onFrame(b, 0, b.capacity(), 0, false, tx, T0));
        assertEquals(1, counters.get(Counter.DROP_NO_TUNNEL_SOURCE));
    }

    /**
     * Parse, decide, rewrite and checksum for NAT in both directions, 200,000 frames over many
     * connections with expiry: the thread's allocation counter must not move (JIT slack aside).
     */
    @Test
    void shouldNotAllocatePerFrame() throws Exception {
        FrameProcessor p = processor(ForwardingMethod.NAT, counters, null);
        ByteBuffer template = tcp(CLIENT, 40000, VIP, 80, CLIENT_MAC, DIRECTOR_MAC, 100);
        ByteBuffer replyTemplate = tcp(SERVER, 8080, CLIENT, 40000, SERVER_MAC, DIRECTOR_MAC, 100);
        ByteBuffer frame = ByteBuffer.allocateDirect(template.capacity());
        ByteBuffer reply = ByteBuffer.allocateDirect(replyTemplate.capacity());
        long[] now = {T0};
        Runnable traffic = () -> {
            for (int i = 0; i < 100_000; i++) {
                int port = 1024 + (i % 20_000);
                frame.put(0, template, 0, template.capacity());
                frame.putShort(34, (short) port);
                p.onFrame(frame, 0, frame.capacity(), 0, true, tx, now[0]);
                reply.put(0, replyTemplate, 0, replyTemplate.capacity());
                reply.putShort(36, (short) port);
                p.onFrame(reply, 0, reply.capacity(), 1, true, tx, now[0]);
                now[0] += 50_000;
                if ((i & 255) == 0) {
                    p.engine().onTimer(now[0]);
                }
            }
        };
        traffic.run();
        traffic.run();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        traffic.run();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes over 200000 frames");
        assertEquals(300_000, counters.get(Counter.REPLIES_FORWARDED), counters.toString());
        assertEquals(300_000, counters.get(Counter.FORWARDED), counters.toString());
    }
}
