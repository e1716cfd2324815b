package io.tandem.director.forward;

import io.tandem.director.conn.ConnectionTimeouts;
import io.tandem.linux.PacketRing;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What the forwarding loop needs besides the services.
 *
 * @param clientInterface  where clients' packets for the virtual services arrive (and NAT
 *                         replies leave)
 * @param serverInterface  where the real servers are reached (DR servers must be on this link);
 *                         the same as {@code clientInterface} in one-arm setups
 * @param tunnelSourceV4   the director's IPv4 address for outer IPIP headers, or null without
 *                         IPv4 tunnel servers
 * @param tunnelSourceV6   likewise for IPv6, or null
 * @param mtuBytes         the largest IP packet sent (1500 on Ethernet)
 * @param connectionCapacity entries in the connection table
 * @param ring             shape of each AF_PACKET receive ring
 * @param nftCommand       how {@link KernelBypass} runs nft, e.g. {@code [nft]}
 * @param timerIntervalNs  how often the loop expires connections and serves its work queue
 * @param neighbourRefreshNs how often known real-server MACs are looked up again
 */
public record ForwarderConfig(String clientInterface, String serverInterface, InetAddress tunnelSourceV4,
        InetAddress tunnelSourceV6, int mtuBytes, int connectionCapacity, ConnectionTimeouts timeouts,
        PacketRing.Geometry ring, List<String> nftCommand, long timerIntervalNs, long neighbourRefreshNs) {

    public ForwarderConfig {
        Objects.requireNonNull(clientInterface, "clientInterface");
        Objects.requireNonNull(serverInterface, "serverInterface");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(ring, "ring");
        nftCommand = List.copyOf(nftCommand);
        if (nftCommand.isEmpty()) {
            throw new IllegalArgumentException("nftCommand must name a program, e.g. [nft]");
        }
        if (tunnelSourceV4 != null && !(tunnelSourceV4 instanceof Inet4Address)) {
            throw new IllegalArgumentException("tunnelSourceV4=" + tunnelSourceV4.getHostAddress() + " must be IPv4");
        }
        if (tunnelSourceV6 != null && !(tunnelSourceV6 instanceof Inet6Address)) {
            throw new IllegalArgumentException("tunnelSourceV6=" + tunnelSourceV6.getHostAddress() + " must be IPv6");
        }
        if (mtuBytes < 576 || mtuBytes > 65_535) {
            throw new IllegalArgumentException("mtuBytes=" + mtuBytes + " must be in [576, 65535]");
        }
        if (connectionCapacity < 1) {
            throw new IllegalArgumentException("connectionCapacity=" + connectionCapacity + " must be >= 1");
        }
        if (timerIntervalNs < 100_000 || neighbourRefreshNs < timerIntervalNs) {
            throw new IllegalArgumentException("timerIntervalNs=" + timerIntervalNs + " must be >= 100us and <= "
                    + "neighbourRefreshNs=" + neighbourRefreshNs);
        }
    }

    /**
     * One interface for clients and servers, MTU 1500, a million connections, IPVS's timeouts,
     * the default ring, {@code nft} on the path, a 10 ms timer and a 2 s neighbour refresh.
     */
    public static ForwarderConfig oneArm(String ifName) {
        return new ForwarderConfig(ifName, ifName, null, null, 1500, 1 << 20, ConnectionTimeouts.IPVS_DEFAULTS,
                PacketRing.Geometry.DEFAULT, List.of("nft"), 10_000_000L, 2_000_000_000L);
    }

    public ForwarderConfig withServerInterface(String ifName) {
        return new ForwarderConfig(clientInterface, ifName, tunnelSourceV4, tunnelSourceV6, mtuBytes,
                connectionCapacity, timeouts, ring, nftCommand, timerIntervalNs, neighbourRefreshNs);
    }

    public ForwarderConfig withTunnelSources(InetAddress v4, InetAddress v6) {
        return new ForwarderConfig(clientInterface, serverInterface, v4, v6, mtuBytes, connectionCapacity, timeouts,
                ring, nftCommand, timerIntervalNs, neighbourRefreshNs);
    }

    public ForwarderConfig withNftCommand(List<String> command) {
        return new ForwarderConfig(clientInterface, serverInterface, tunnelSourceV4, tunnelSourceV6, mtuBytes,
                connectionCapacity, timeouts, ring, command, timerIntervalNs, neighbourRefreshNs);
    }

    public ForwarderConfig withRing(PacketRing.Geometry geometry) {
        return new ForwarderConfig(clientInterface, serverInterface, tunnelSourceV4, tunnelSourceV6, mtuBytes,
                connectionCapacity, timeouts, geometry, nftCommand, timerIntervalNs, neighbourRefreshNs);
    }

    public ForwarderConfig withTimers(long timerIntervalNs, long neighbourRefreshNs) {
        return new ForwarderConfig(clientInterface, serverInterface, tunnelSourceV4, tunnelSourceV6, mtuBytes,
                connectionCapacity, timeouts, ring, nftCommand, timerIntervalNs, neighbourRefreshNs);
    }

    public ForwarderConfig withConnectionCapacity(int capacity) {
        return new ForwarderConfig(clientInterface, serverInterface, tunnelSourceV4, tunnelSourceV6, mtuBytes,
                capacity, timeouts, ring, nftCommand, timerIntervalNs, neighbourRefreshNs);
    }

    /** Whether clients and servers share one interface. */
    public boolean isOneArm() {
        return clientInterface.equals(serverInterface);
    }
}
