package io.tandem.bench.forwarding;

import io.tandem.director.ForwardingEngine;
import io.tandem.director.ForwardingMethod;
import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.conn.ConnectionTimeouts;
import io.tandem.director.forward.ForwarderCounters;
import io.tandem.director.forward.FrameProcessor;
import io.tandem.director.packet.Checksums;
import io.tandem.director.packet.EthernetFrame;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One frame through the data path without I/O: parse, decide (connection lookup among 10 000
 * established flows), complete the partial checksum veth leaves, rewrite. The frame is restored
 * from a template first (a 74- or 1514-byte copy, part of the figure). DR rewrites MACs, NAT
 * addresses/ports with incremental checksums, TUN builds an IPIP frame. Expect 0 B/op with
 * {@code -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class FrameProcessorBenchmark {
    private static final int FLOWS = 10_000;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_01L;
    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_03L;
    private static final int VIP = 0xC633_640A;

    @Param({"DIRECT_ROUTING", "NAT", "TUNNEL"})
    public ForwardingMethod method;

    @Param({"20", "1460"})
    public int payloadBytes;

    private FrameProcessor processor;
    private ByteBuffer template;
    private ByteBuffer frame;
    private final ByteBuffer tx = ByteBuffer.allocateDirect(65536);
    private int next;

    @Setup
    public void setUp() throws Exception {
        List<RealServer> servers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            servers.add(new RealServer(InetAddress.getByName("198.51.100." + (21 + i)), 0, 1, method));
        }
        VirtualService service = VirtualService.of(Protocol.TCP, InetAddress.getByName("198.51.100.10"), 80,
                SchedulerSpec.of(SchedulerName.WRR), servers).withForwarding(method);
        ForwardingEngine engine = new ForwardingEngine(new ServiceTable(List.of(service)), 4 * FLOWS,
                ConnectionTimeouts.IPVS_DEFAULTS, 0L);
        processor = new FrameProcessor(engine, new ForwarderCounters(), DIRECTOR_MAC, DIRECTOR_MAC, 9000,
                InetAddress.getByName("198.51.100.3"), null);
        for (int i = 0; i < servers.size(); i++) {
            processor.setServerMac(i, 0x02_00_00_00_00_21L + i);
        }
        template = tcpFrame(payloadBytes);
        frame = ByteBuffer.allocateDirect(template.capacity());
        for (int i = 0; i < FLOWS; i++) {
            frame.put(0, template, 0, template.capacity());
            frame.putShort(34, (short) (1024 + i));
            frame.put(47, (byte) 0x02);
            processor.onFrame(frame, 0, frame.capacity(), 0, false, tx, 0L);
        }
    }

    /** Ethernet + IPv4 + TCP (ACK|PSH) from 198.51.100.2 to the VIP, the TCP checksum left partial. */
    private static ByteBuffer tcpFrame(int payloadBytes) {
        int ipLength = 20 + 20 + payloadBytes;
        ByteBuffer b = ByteBuffer.allocateDirect(14 + ipLength);
        EthernetFrame.putMacs(b, 0, DIRECTOR_MAC, CLIENT_MAC);
        b.putShort(12, (short) EthernetFrame.TYPE_IPV4);
        b.put(14, (byte) 0x45).putShort(16, (short) ipLength).putShort(20, (short) 0x4000);
        b.put(22, (byte) 64).put(23, (byte) 6).putInt(26, 0xC633_6402).putInt(30, VIP);
        Checksums.writeIpv4HeaderChecksum(b, 14, 20);
        b.putShort(34, (short) 40000).putShort(36, (short) 80).put(46, (byte) 0x50).put(47, (byte) 0x18);
        for (int i = 0; i < payloadBytes; i++) {
            b.put(54 + i, (byte) i);
        }
        long pseudo = Checksums.words(0xC633_6402L) + Checksums.words(VIP & 0xFFFF_FFFFL) + 6 + 20 + payloadBytes;
        b.putShort(50, (short) Checksums.fold(pseudo));
        return b;
    }

    @Benchmark
    public int establishedFrame() {
        int i = next = next + 7919 < FLOWS ? next + 7919 : next + 7919 - FLOWS;
        frame.put(0, template, 0, template.capacity());
        frame.putShort(34, (short) (1024 + i));
        return processor.onFrame(frame, 0, frame.capacity(), 0, true, tx, 1L);
    }

    /** The template copy alone, to subtract from {@link #establishedFrame()}. */
    @Benchmark
    public ByteBuffer copyOnly() {
        return frame.put(0, template, 0, template.capacity());
    }
}
