package io.tandem.director;

import static io.tandem.director.Lab.S;
import static io.tandem.director.Lab.T0;
import static io.tandem.director.Lab.TCP;
import static io.tandem.director.Lab.VIP_LOW;
import static io.tandem.director.Lab.client;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.director.conn.TcpStates;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing: a million packets (new connections, established ones,
 * mid-flow ones, expiry) leave the thread's allocation counter where it was. The JMH
 * benchmarks with {@code -prof gc} are the measurement; this keeps it from regressing.
 */
class AllocationTest {
    private static final int PACKETS = 200_000;
    /** Slack for the JIT's own doings; one allocation per packet would be over a megabyte. */
    private static final long SLACK_BYTES = 16 * 1024;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long now = T0;

    private void traffic(ForwardingEngine e, int round) {
        for (int i = 0; i < PACKETS; i++) {
            int n = (round * PACKETS + i) % 60_000;
            int flags = (i & 3) == 0 ? TcpStates.SYN : (i & 3) == 1 ? TcpStates.ACK : TcpStates.ACK | TcpStates.PSH;
            e.onClientPacket(TCP, 0, client(n & 0xFF), 1024 + n, 0, VIP_LOW, 80, flags, 1500, now);
            now += 100_000;
            if ((i & 255) == 0) {
                e.onTimer(now);
            }
        }
    }

    private long allocatedBy(Runnable r) {
        long before = threads.getCurrentThreadAllocatedBytes();
        r.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void shouldNotAllocatePerPacketWithAnyScheduler() {
        for (SchedulerName name : SchedulerName.values()) {
            VirtualService svc = VirtualService.of(Protocol.TCP, Lab.VIP, 80,
                    new SchedulerSpec(name, true, false, 4093), Lab.servers(3, 1, 2, 0, 5))
                    .withPersistence(name == SchedulerName.RR ? Persistence.of(Duration.ofSeconds(5))
                            : Persistence.NONE);
            ForwardingEngine e = new ForwardingEngine(new ServiceTable(java.util.List.of(svc)), 100_000,
                    io.tandem.director.conn.ConnectionTimeouts.IPVS_DEFAULTS.withTcp(TcpStates.ESTABLISHED,
                            Duration.ofSeconds(1)), now);
            traffic(e, 0);
            traffic(e, 1);
            final int round = 2;
            long bytes = allocatedBy(() -> traffic(e, round));
            assertTrue(bytes < SLACK_BYTES, name + " allocated " + bytes + " bytes over " + PACKETS + " packets");
            assertTrue(e.connections().expired() > 0, "expiry ran");
            now += 10 * S;
        }
    }
}
