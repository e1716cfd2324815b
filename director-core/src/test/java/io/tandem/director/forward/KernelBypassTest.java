package io.tandem.director.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tandem.director.ForwardingMethod;
import io.tandem.director.Persistence;
import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import io.tandem.linux.NetnsLab;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nftables table: its text, and that nft accepts, installs, replaces and removes it. */
class KernelBypassTest {
    private static ServiceTable services() throws Exception {
        VirtualService dr = VirtualService.of(Protocol.TCP, InetAddress.getByName("198.51.100.10"), 80,
                SchedulerSpec.of(SchedulerName.RR), List.of(RealServer.of(InetAddress.getByName("198.51.100.21"), 1)));
        VirtualService nat = VirtualService.of(Protocol.UDP, InetAddress.getByName("2001:db8::10"), 53,
                SchedulerSpec.of(SchedulerName.RR),
                List.of(new RealServer(InetAddress.getByName("2001:db8:1::21"), 5353, 1, ForwardingMethod.NAT)));
        VirtualService allPorts = new VirtualService(Protocol.TCP, InetAddress.getByName("198.51.100.11"), 0,
                SchedulerSpec.of(SchedulerName.RR), Persistence.of(Duration.ofSeconds(300)),
                ForwardingMethod.DIRECT_ROUTING, List.of(RealServer.of(InetAddress.getByName("198.51.100.22"), 1)),
                null, true);
        return new ServiceTable(List.of(dr, nat, allPorts));
    }

    @Test
    void shouldDropServiceTrafficAndNatRepliesButNotTheDirectorsOwn() throws Exception {
        String rules = KernelBypass.ruleset(services());

        assertTrue(rules.startsWith("table inet tandem_director\ndelete table inet tandem_director\n"), rules);
        assertTrue(rules.contains("type filter hook prerouting priority -310; policy accept;"), rules);
        assertTrue(rules.contains("    ip daddr 198.51.100.10 tcp dport 80 drop\n"), rules);
        assertTrue(rules.contains("    ip6 daddr 2001:db8:0:0:0:0:0:10 udp dport 53 drop\n"), rules);
        assertTrue(rules.contains("    ip daddr 198.51.100.11 meta l4proto tcp drop\n"), rules);
        int local = rules.indexOf("fib daddr type local accept");
        int natReply = rules.indexOf("    ip6 saddr 2001:db8:1:0:0:0:0:21 udp sport 5353 drop\n");
        assertTrue(local > 0 && natReply > local, "NAT replies are matched after the director's own traffic: " + rules);
        assertFalse(rules.contains("saddr 198.51.100.21"), "DR servers' traffic is not the forwarder's");
    }

    @Test
    void shouldInstallReplaceAndRemoveTheTableInANamespace() throws Exception {
        assumeTrue(NetnsLab.isAvailable() && Files.isExecutable(Path.of("/usr/sbin/nft")), "needs root and nft");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.createNamespace();
            KernelBypass bypass = new KernelBypass(List.of("ip", "netns", "exec", ns, "nft"));
            assertFalse(bypass.isInstalled());
            bypass.remove();
            bypass.install(services());
            bypass.install(services());
            assertTrue(bypass.isInstalled());
            String listed = ForwardingLab.run(List.of("ip", "netns", "exec", ns, "nft", "list", "table", "inet",
                    "tandem_director"), 10).output();
            assertEquals(1, listed.split("tcp dport 80 drop", -1).length - 1, "replaced, not added twice: " + listed);
            bypass.remove();
            assertFalse(bypass.isInstalled());
        }
    }
}
