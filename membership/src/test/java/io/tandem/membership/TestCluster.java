package io.tandem.membership;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback addresses, free ports and configs for the membership tests. Loopback only. */
final class TestCluster {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final byte[] SECRET = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(1);

    final String clusterName = "tandem-test-" + ThreadLocalRandom.current().nextInt(1_000_000);
    final int portA;
    final int portB;

    TestCluster() {
        portA = freePort(-1);
        portB = freePort(portA);
    }

    List<InetSocketAddress> peers() {
        return List.of(new InetSocketAddress(LOOPBACK, portA), new InetSocketAddress(LOOPBACK, portB));
    }

    MembershipConfig config(String node, int port) {
        return config(node, port, SECRET);
    }

    MembershipConfig config(String node, int port, byte[] secret) {
        return new MembershipConfig(clusterName, node, LOOPBACK, port, peers(), secret, JOIN_TIMEOUT);
    }

    /**
     * A port in 20000..29999 (below the ephemeral range, so no outgoing connection holds it)
     * that is free, with its socket-failure-detector port (+100) free too.
     */
    static int freePort(int avoid) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(9_800);
            if (Math.abs(port - avoid) > 5 && bindable(port) && bindable(port + MembershipStack.FD_SOCK_PORT_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port pair in 20000..29999");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, LOOPBACK)) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }
}
