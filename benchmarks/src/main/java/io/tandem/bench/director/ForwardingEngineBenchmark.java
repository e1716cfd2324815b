package io.tandem.bench.director;

import io.tandem.director.ForwardingEngine;
import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.conn.ConnectionTimeouts;
import io.tandem.director.conn.TcpStates;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole per-packet decision: a packet of an established connection among 100 000, and a
 * stream of new connections (SYN, wlc over 8 servers) with expiry running. 0 B/op with
 * {@code -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ForwardingEngineBenchmark {
    private static final int TCP = 6;
    private static final int FLOWS = 100_000;
    private static final long VIP = 0x0000_FFFF_C633_640AL;

    private ForwardingEngine established;
    private ForwardingEngine fresh;
    private int next;
    private long now;
    private int synKey;

    @Setup
    public void setUp() throws UnknownHostException {
        List<RealServer> servers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            servers.add(RealServer.of(InetAddress.getByName("198.51.100." + (21 + i)), 1 + i % 3));
        }
        VirtualService service = VirtualService.of(Protocol.TCP, InetAddress.getByName("198.51.100.10"), 80,
                SchedulerSpec.of(SchedulerName.WLC), servers);
        established = new ForwardingEngine(new ServiceTable(List.of(service)), 2 * FLOWS,
                ConnectionTimeouts.IPVS_DEFAULTS, 0L);
        for (int i = 0; i < FLOWS; i++) {
            established.onClientPacket(TCP, 0, client(i), port(i), 0, VIP, 80, TcpStates.SYN, 60, 0L);
            established.onClientPacket(TCP, 0, client(i), port(i), 0, VIP, 80, TcpStates.ACK, 60, 0L);
        }
        // SYN_RECV lives 60 s; 1 ms per new connection keeps about 60 000 alive
        fresh = new ForwardingEngine(new ServiceTable(List.of(service)), 2 * FLOWS,
                ConnectionTimeouts.IPVS_DEFAULTS, 0L);
    }

    private static long client(int i) {
        return 0x0000_FFFF_CB00_0000L + (i >>> 10);
    }

    private static int port(int i) {
        return 1024 + (i & 1023);
    }

    @Benchmark
    public int establishedPacket() {
        int i = (next = next + 7919 < FLOWS ? next + 7919 : next + 7919 - FLOWS);
        return established.onClientPacket(TCP, 0, client(i), port(i), 0, VIP, 80, TcpStates.ACK, 1500, 1L);
    }

    @Benchmark
    public int newConnectionWithExpiry() {
        now += 1_000_000L;
        int k = synKey = synKey + 1 < 4 * FLOWS ? synKey + 1 : 0;
        int server = fresh.onClientPacket(TCP, 0, 0x0000_FFFF_0A00_0000L + (k >>> 10), 1024 + (k & 1023), 0, VIP,
                80, TcpStates.SYN, 60, now);
        return server + fresh.onTimer(now);
    }
}
