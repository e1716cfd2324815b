package io.tandem.bench.director;

import io.tandem.director.conn.ConnectionListener;
import io.tandem.director.conn.ConnectionTable;
import io.tandem.director.conn.ConnectionTimeouts;
import io.tandem.director.conn.TcpStates;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The connection table on the forwarding path: a lookup that hits (every packet of a known
 * connection), a packet that moves an entry's deadline, and steady churn where every operation
 * inserts a new connection while old ones expire through the timer wheel. Run with
 * {@code -prof gc}: all allocate 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ConnectionTableBenchmark {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final long VIP = 0x0000_FFFF_C633_640AL;
    private static final ConnectionListener IGNORE = new ConnectionListener() {
        @Override
        public void onConnectionAdded(int serverId, boolean active) {
        }

        @Override
        public void onConnectionActivityChanged(int serverId, boolean active) {
        }

        @Override
        public void onConnectionRemoved(int serverId, boolean active) {
        }

        @Override
        public void onTemplateAdded(int serverId) {
        }

        @Override
        public void onTemplateRemoved(int serverId) {
        }
    };

    /** Connections in the table for the lookup benchmarks. */
    @Param({"10000", "1000000"})
    int entries;

    private ConnectionTable full;
    private long[] clients;
    private int[] ports;
    private int[] order;
    private int next;
    private long now;

    private ConnectionTable churn;
    private long churnNow;
    private long churnStepNs;
    private int churnKey;
    private int churnKeys;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(1);
        full = new ConnectionTable(entries, ConnectionTimeouts.IPVS_DEFAULTS, IGNORE, 0L);
        clients = new long[entries];
        ports = new int[entries];
        for (int i = 0; i < entries; i++) {
            do {
                clients[i] = 0x0000_FFFF_0000_0000L | (random.nextInt() & 0xFFFF_FFFFL);
                ports[i] = 1024 + random.nextInt(64_000);
            } while (full.find(TCP, 0, clients[i], ports[i], 0, VIP, 443) != ConnectionTable.NONE);
            full.insertConnection(TCP, 0, clients[i], ports[i], 0, VIP, 443, i & 7, TcpStates.ESTABLISHED,
                    ConnectionTable.NO_OUTPUT, ConnectionTable.NONE, 0L);
        }
        order = new int[1 << 20];
        for (int i = 0; i < order.length; i++) {
            order[i] = random.nextInt(entries);
        }

        // churn: UDP flows of 300 s; time moves so that about entries / 2 are alive at once
        churn = new ConnectionTable(entries, ConnectionTimeouts.IPVS_DEFAULTS, IGNORE, 0L);
        churnStepNs = ConnectionTimeouts.IPVS_DEFAULTS.udpNs() / (entries / 2);
        churnKeys = entries;
    }

    @Benchmark
    public int lookupHit() {
        int i = order[next++ & (order.length - 1)];
        return full.find(TCP, 0, clients[i], ports[i], 0, VIP, 443);
    }

    @Benchmark
    public int lookupMiss() {
        int i = order[next++ & (order.length - 1)];
        return full.find(TCP, 0, clients[i], ports[i] ^ 0x8000, 0, VIP, 443);
    }

    /** A packet of a known connection: lookup, state machine, deadline moved later. */
    @Benchmark
    public boolean lookupAndUpdate() {
        int i = order[next++ & (order.length - 1)];
        int e = full.find(TCP, 0, clients[i], ports[i], 0, VIP, 443);
        now += 1_000;
        return full.onPacket(e, TcpStates.INPUT, TcpStates.ACK, now);
    }

    /** One new flow per operation, and the expiry of the ones that timed out meanwhile. */
    @Benchmark
    public int insertAndExpireChurn() {
        churnNow += churnStepNs;
        int k = churnKey++;
        if (churnKey == churnKeys) {
            churnKey = 0;
        }
        long client = 0x0000_FFFF_0A00_0000L + (k >>> 14);
        int port = 1024 + (k & 0x3FFF);
        int e = churn.find(UDP, 0, client, port, 0, VIP, 53);
        if (e == ConnectionTable.NONE) {
            e = churn.insertConnection(UDP, 0, client, port, 0, VIP, 53, k & 7, TcpStates.UDP_NORMAL,
                    ConnectionTable.NO_OUTPUT, ConnectionTable.NONE, churnNow);
        } else {
            churn.onPacket(e, TcpStates.INPUT, 0, churnNow);
        }
        return e + churn.advance(churnNow);
    }
}
