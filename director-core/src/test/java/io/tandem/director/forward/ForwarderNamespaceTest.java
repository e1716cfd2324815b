package io.tandem.director.forward;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tandem.director.ForwardingMethod;
import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.forward.ForwarderCounters.Counter;
import io.tandem.director.packet.EthernetFrame;
import io.tandem.director.packet.PacketView;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import io.tandem.lab.LabHttpServer;
import io.tandem.linux.NetnsLab;
import io.tandem.linux.PacketSocket;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder with real traffic: curl in a client namespace fetches http://VIP/ from real HTTP
 * servers in their own namespaces, through a director namespace running {@link Forwarder}. The
 * kernels have no IPVS and no ipip module: everything the director does is Tandem's.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ForwarderNamespaceTest {
    private ForwardingLab net;
    private Forwarder forwarder;

    @BeforeEach
    void requireRoot() throws Exception {
        assumeTrue(NetnsLab.isAvailable(), "needs root and ip(8)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")) && Files.isExecutable(Path.of("/usr/sbin/nft")),
                "needs curl and nft");
        net = new ForwardingLab();
    }

    @AfterEach
    void tearDown() {
        ForwardingLab.closeQuietly(forwarder);
        if (net != null) {
            net.close();
        }
    }

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private ServiceTable http(ForwardingMethod method, boolean twoArm, int servers) throws Exception {
        List<RealServer> real = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            real.add(RealServer.of(address(ForwardingLab.serverAddress(i, twoArm)), 1));
        }
        return new ServiceTable(List.of(VirtualService.of(Protocol.TCP, address(ForwardingLab.VIP), 80,
                SchedulerSpec.of(SchedulerName.RR), real).withForwarding(method)));
    }

    private void startForwarder(ForwarderConfig config, ServiceTable services) throws Exception {
        forwarder = new Forwarder(config.withNftCommand(net.nftInDirector()).withConnectionCapacity(4096), services,
                System::nanoTime);
        net.lab.runIn(net.director, forwarder::start);
        await().atMost(Duration.ofSeconds(10)).until(() -> forwarder.knownServerMacs() == services.serverCount());
    }

    private List<String> fetchNames(int count) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String body = net.curl("http://" + ForwardingLab.VIP + "/", 10, null);
            assertNotNull(body, "fetch " + i + " failed; counters " + forwarder.counters());
            names.add(body.strip());
        }
        return names;
    }

    @Test
    void shouldAlternateRealServersInDirectRoutingWithRoundRobin() throws Exception {
        net.oneArm(2, true);
        net.startHttpServer(0);
        net.startHttpServer(1);
        startForwarder(ForwarderConfig.oneArm("eth0"), http(ForwardingMethod.DIRECT_ROUTING, false, 2));

        List<String> names = fetchNames(6);

        assertEquals(List.of("rs1", "rs2", "rs1", "rs2", "rs1", "rs2"), rotateToRs1(names), names.toString());
        assertTrue(forwarder.counters().get(Counter.FORWARDED) >= 6 * 4, forwarder.counters().toString());
        assertEquals(0, forwarder.counters().get(Counter.DROP_SEND_FAILED));
        assertEquals(0, forwarder.counters().get(Counter.PASSED), "the BPF filter keeps ARP and the rest in the kernel");
        assertTrue(new KernelBypass(net.nftInDirector()).isInstalled());
        forwarder.stop();
        assertTrue(new KernelBypass(net.nftInDirector()).isInstalled(),
                "the table outlives stop: the VIP leaves after the rings close, and must not meet the kernel's RSTs");
        forwarder.close();
        assertFalse(new KernelBypass(net.nftInDirector()).isInstalled(), "close removes the nft table");
    }

    private static List<String> rotateToRs1(List<String> names) {
        int first = names.indexOf("rs1");
        List<String> rotated = new ArrayList<>(names.subList(first, names.size()));
        rotated.addAll(names.subList(0, first));
        return rotated;
    }

    @Test
    void shouldDeliverFiftyMegabytesIntactInDirectRouting(@TempDir Path tmp) throws Exception {
        net.oneArm(1, true);
        net.startHttpServer(0);
        // No neighbour refresh (it allocates) during the download: the loop alone is measured.
        startForwarder(ForwarderConfig.oneArm("eth0").withTimers(10_000_000L, 600_000_000_000L),
                http(ForwardingMethod.DIRECT_ROUTING, false, 1));
        assertNotNull(net.curl("http://" + ForwardingLab.VIP + "/big?bytes=1000000", 30, tmp.resolve("warm").toString()),
                "warm-up download failed; counters " + forwarder.counters());
        long bytes = 50L * 1024 * 1024;
        Path file = tmp.resolve("big");
        long framesBefore = forwarder.counters().get(Counter.FORWARDED);
        long allocatedBefore = forwarder.allocatedBytes();

        assertNotNull(net.curl("http://" + ForwardingLab.VIP + "/big?bytes=" + bytes, 120, file.toString()),
                "download failed; counters " + forwarder.counters());

        assertEquals(bytes, Files.size(file));
        assertArrayEquals(LabHttpServer.bigBodySha256(bytes), LabHttpServer.sha256(file));
        long frames = forwarder.counters().get(Counter.FORWARDED) - framesBefore;
        long allocated = forwarder.allocatedBytes() - allocatedBefore;
        assertTrue(frames > 100, "the client's ACKs went through the forwarder: " + frames);
        assertTrue(allocated < 16 * 1024, "forwarding thread allocated " + allocated + " bytes for " + frames
                + " frames");
    }

    @Test
    void shouldForwardAndReturnThroughNat() throws Exception {
        net.twoArm(2);
        net.startHttpServer(0);
        net.startHttpServer(1);
        startForwarder(ForwarderConfig.oneArm("eth0").withServerInterface("eth1"),
                http(ForwardingMethod.NAT, true, 2));

        List<String> names = fetchNames(4);

        assertEquals(List.of("rs1", "rs2", "rs1", "rs2"), rotateToRs1(names), names.toString());
        assertTrue(forwarder.counters().get(Counter.REPLIES_FORWARDED) >= 4 * 3, forwarder.counters().toString());
    }

    @Test
    void shouldEncapsulateInIpipForTunnelServers() throws Exception {
        net.oneArm(1, false);
        ServiceTable services = http(ForwardingMethod.TUNNEL, false, 1);
        startForwarder(ForwarderConfig.oneArm("eth0").withTunnelSources(address(ForwardingLab.DIRECTOR), null),
                services);
        try (PacketSocket capture = net.lab.callIn(net.servers.get(0),
                () -> PacketSocket.openRaw("eth0", PacketSocket.ETH_P_IP))) {
            // The real server cannot decapsulate (no ipip module): curl gives up, the capture judges.
            net.curl("http://" + ForwardingLab.VIP + "/", 2, null);
            ByteBuffer frame = ByteBuffer.allocate(2048);
            boolean found = false;
            for (int i = 0; i < 50 && !found; i++) {
                frame.clear();
                int n = capture.receive(frame, 200);
                if (n == 0 || frame.get(14 + 9) != 4) {
                    continue;
                }
                assertEquals(0xC6336403, frame.getInt(14 + 12), "outer source: the director");
                assertEquals(0xC6336415, frame.getInt(14 + 16), "outer destination: the real server");
                ByteBuffer inner = ByteBuffer.allocate(n - 20);
                inner.put(0, frame, 0, 14).putShort(12, (short) EthernetFrame.TYPE_IPV4).put(14, frame, 34, n - 34);
                PacketView view = new PacketView();
                assertEquals(PacketView.OK, view.parse(inner, 0, inner.capacity()));
                assertEquals(address(ForwardingLab.VIP), io.tandem.director.IpAddresses.toInetAddress(
                        view.destinationHigh(), view.destinationLow()));
                assertEquals(80, view.destinationPort());
                assertEquals(address(ForwardingLab.CLIENT), io.tandem.director.IpAddresses.toInetAddress(
                        view.sourceHigh(), view.sourceLow()));
                found = true;
            }
            assertTrue(found, "no IPIP frame reached the real server; counters " + forwarder.counters());
        }
    }
}
