package io.tandem.vip;

import static io.tandem.vip.AddressTableTest.vip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Level;
import io.tandem.config.VipSpec;
import io.tandem.linux.Errno;
import io.tandem.linux.LinuxException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Start-up removal of VIPs a crashed run left behind (in-memory kernel, no root). */
class VipReconcilerTest {
    private FakeAddressKernel kernel;
    private VipReconciler reconciler;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        kernel = new FakeAddressKernel().link("eth0", 2).link("eth1", 3)
                .address("eth0", "198.51.100.2", 24)
                .address("eth1", "198.51.100.130", 26);
        reconciler = new VipReconciler(new AddressTable(kernel));
        log = new LogCapture(VipReconciler.class);
    }

    @AfterEach
    void stop() {
        log.close();
    }

    @Test
    void shouldRemoveEveryConfiguredVipTheKernelStillHolds() throws Exception {
        kernel.address("eth0", "198.51.100.10", 24).address("eth1", "2001:db8::10", 64);
        VipSpec v4 = vip("198.51.100.10", 24, null);
        VipSpec absent = vip("198.51.100.11", 24, null);
        VipSpec v6 = vip("2001:db8::10", 64, "eth1");

        List<VipSpec> removed = reconciler.removeStale(List.of(v4, absent, v6));

        assertEquals(List.of(v4, v6), removed);
        assertEquals(List.of("198.51.100.2/24"), kernel.addresses("eth0"));
        assertEquals(List.of("198.51.100.130/26"), kernel.addresses("eth1"));
        assertEquals(List.of(
                "stale vip 198.51.100.10/24 on eth0 removed at start-up: a previous run did not release it",
                "stale vip 2001:db8::10/64 on eth1 removed at start-up: a previous run did not release it"),
                log.lines(Level.WARN));
    }

    @Test
    void shouldRemoveNothingOnACleanStart() throws Exception {
        assertEquals(List.of(), reconciler.removeStale(List.of(vip("198.51.100.10", 24, null))));
        assertEquals(List.of(), log.lines(Level.WARN));
    }

    @Test
    void shouldTryEveryVipBeforeReportingAFailure() throws Exception {
        kernel.address("eth0", "198.51.100.11", 24);
        LinuxException refused = new LinuxException("RTM_GETADDR dump", Errno.EPERM);
        kernel.nextFailure = refused;

        LinuxException thrown = assertThrows(LinuxException.class, () -> reconciler.removeStale(
                List.of(vip("198.51.100.10", 24, null), vip("198.51.100.11", 24, null))));

        assertSame(refused, thrown);
        assertEquals(List.of("198.51.100.2/24"), kernel.addresses("eth0"), "the second VIP was still removed");
    }
}
