package io.tandem.bench.director;

import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.sched.Scheduler;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * One scheduler pick for a new connection, over 8 real servers of weights 1..8 (one quiesced),
 * for varying client addresses. Run with {@code -prof gc}: 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SchedulerBenchmark {
    @Param({"rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq", "mh"})
    String scheduler;

    private Scheduler pick;
    private final long[] clients = new long[4096];
    private int next;

    @Setup
    public void setUp() throws UnknownHostException {
        List<RealServer> servers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            servers.add(RealServer.of(InetAddress.getByName("198.51.100." + (21 + i)), i == 3 ? 0 : i + 1));
        }
        SchedulerSpec spec = new SchedulerSpec(SchedulerName.parse(scheduler), true, false,
                SchedulerSpec.DEFAULT_MAGLEV_TABLE_SIZE);
        VirtualService service = VirtualService.of(Protocol.TCP, InetAddress.getByName("198.51.100.10"), 80, spec,
                servers);
        pick = new ServiceTable(List.of(service)).service(0).scheduler();
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < clients.length; i++) {
            clients[i] = 0x0000_FFFF_0000_0000L | (random.nextInt() & 0xFFFF_FFFFL);
        }
    }

    @Benchmark
    public int pick() {
        long client = clients[next++ & (clients.length - 1)];
        return pick.pick(0, client, (int) client & 0xFFFF, 0, client ^ 0x55);
    }
}
