package io.tandem.director;

import static io.tandem.director.Lab.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualServiceTest {
    private static final SchedulerSpec WLC = SchedulerSpec.of(SchedulerName.WLC);

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void shouldResolveRealServersAgainstTheServiceDefaults() {
        VirtualService s = VirtualService.of(Protocol.TCP, Lab.VIP, 80, WLC,
                List.of(RealServer.of(address("198.51.100.21"), 3),
                        new RealServer(address("198.51.100.22"), 8080, 1, ForwardingMethod.NAT)))
                .withForwarding(ForwardingMethod.TUNNEL);
        assertEquals(new RealServer(address("198.51.100.21"), 80, 3, ForwardingMethod.TUNNEL),
                s.resolvedRealServers().get(0));
        assertEquals(ForwardingMethod.NAT, s.resolvedRealServers().get(1).forwarding());
        assertEquals(8080, s.resolvedRealServers().get(1).port());
        assertEquals(null, s.realServers().get(0).forwarding(), "as configured");
        assertEquals("TCP 198.51.100.10:80", s.label());
    }

    @Test
    void shouldRejectWhatIpvsWouldReject() {
        assertEquals("virtual TCP 198.51.100.10:0 port=0 (all ports) needs persistent= set",
                error(() -> VirtualService.of(Protocol.TCP, Lab.VIP, 0, WLC, List.of())));
        assertEquals("virtual TCP 198.51.100.10:80 real=198.51.100.21:8080 gate cannot change the port; only masq can",
                error(() -> VirtualService.of(Protocol.TCP, Lab.VIP, 80, WLC,
                        List.of(new RealServer(address("198.51.100.21"), 8080, 1, null)))));
        assertEquals("virtual TCP 198.51.100.10:80 real=[2001:db8:0:0:0:0:0:21]:80 is of the other address family;"
                        + " only ipip forwarding can mix families",
                error(() -> VirtualService.of(Protocol.TCP, Lab.VIP, 80, WLC,
                        List.of(RealServer.of(address("2001:db8::21"), 1)))));
        assertEquals("virtual TCP 198.51.100.10:80 real=198.51.100.21:80 is listed twice",
                error(() -> VirtualService.of(Protocol.TCP, Lab.VIP, 80, WLC,
                        List.of(RealServer.of(address("198.51.100.21"), 1),
                                new RealServer(address("198.51.100.21"), 80, 2, null)))));
        assertEquals("virtual TCP 198.51.100.10:80 netmask prefix=64 must be at most 32 for IPv4",
                error(() -> VirtualService.of(Protocol.TCP, Lab.VIP, 80, WLC, List.of())
                        .withPersistence(new Persistence(Duration.ofSeconds(1), 64))));
        assertEquals("real server 198.51.100.21 weight=65536 must be in [0, 65535]",
                error(() -> RealServer.of(address("198.51.100.21"), 65_536)));
    }

    @Test
    void shouldAllowAnAllPortsServiceWithPersistence() {
        VirtualService s = new VirtualService(Protocol.TCP, Lab.VIP, 0, WLC, Persistence.of(Duration.ofMinutes(5)),
                ForwardingMethod.DIRECT_ROUTING, Lab.servers(1), null, true);
        ServiceTable table = new ServiceTable(List.of(s));
        assertEquals(s, table.find(6, 0, Lab.VIP_LOW, 8443).spec(), "any port finds the port-0 service");
    }

    @Test
    void shouldRejectTheSameServiceTwice() {
        VirtualService s = Lab.tcp80(SchedulerName.RR, 1);
        assertEquals("virtual TCP 198.51.100.10:80 is configured twice",
                error(() -> new ServiceTable(List.of(s, s))));
    }
}
