package io.tandem.director.forward;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A forwarder that is open but not started (a standby director): no packet I/O and nothing in the
 * kernel, yet its thread serves the work queue, so health verdicts and synced connections reach
 * the engine before a takeover. Needs no root: nothing touches the kernel.
 */
class ForwarderIdleTest {
    private static Forwarder forwarder() throws Exception {
        VirtualService svc = VirtualService.of(Protocol.TCP, InetAddress.getByName("198.51.100.10"), 80,
                SchedulerSpec.of(SchedulerName.RR), List.of(RealServer.of(InetAddress.getByName("198.51.100.21"), 1)));
        // "nft" swallows the ruleset and succeeds (the host's ruleset is never touched) and the
        // interface does not exist: open() succeeds, start() fails at its first step.
        return new Forwarder(ForwarderConfig.oneArm("lab-does-not-exist").withConnectionCapacity(64)
                .withNftCommand(List.of("sh", "-c", "cat > /dev/null")),
                new ServiceTable(List.of(svc)), System::nanoTime);
    }

    @Test
    void shouldServeTheWorkQueueOnItsOwnThreadWhileIdle() throws Exception {
        try (Forwarder f = forwarder()) {
            f.open();
            AtomicReference<String> ranOn = new AtomicReference<>();
            f.execute(engine -> {
                engine.services().service(0).setConfiguredWeight(0, 0);
                ranOn.set(Thread.currentThread().getName());
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> ranOn.get() != null);
            assertEquals("tandem-forwarder", ranOn.get());
            assertEquals(0, f.engine().services().server(0).weight());
            assertFalse(f.isRunning(), "idle is not forwarding");
        }
    }

    @Test
    void shouldLeaveNothingHalfDoneWhenStartFailsAndStayIdle() throws Exception {
        try (Forwarder f = forwarder()) {
            f.open();
            assertThrows(Exception.class, f::start, "a missing interface fails the start");
            assertFalse(f.isRunning());
            AtomicReference<Boolean> ran = new AtomicReference<>(false);
            f.execute(engine -> ran.set(true));
            await().atMost(Duration.ofSeconds(5)).until(ran::get);
        }
    }
}
