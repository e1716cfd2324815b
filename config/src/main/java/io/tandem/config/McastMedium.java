package io.tandem.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One {@code mcast DEV GROUP PORT TTL LOOP} line of ha.cf: heartbeats go to the IPv4 multicast
 * {@code group} at {@code port}, out of {@code device}, with that multicast TTL, looped back to
 * this host or not; the group is joined on {@code device} to hear the peer.
 *
 * @param ttl  IP_MULTICAST_TTL, 1..255 (1 keeps heartbeats on the local segment)
 * @param loop IP_MULTICAST_LOOP: whether this host also receives its own heartbeats
 */
public record McastMedium(String device, InetAddress group, int port, int ttl, boolean loop, int line)
        implements Medium {
    /** Checks the ranges ha.cf allows; the parser reports them with file and line first. */
    public McastMedium {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(group, "group");
        if (!(group instanceof Inet4Address) || !group.isMulticastAddress()) {
            throw new IllegalArgumentException("mcast group=" + group.getHostAddress()
                    + " must be an IPv4 multicast address (224.0.0.0/4)");
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("mcast port=" + port + " must be in 1..65535");
        }
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("mcast ttl=" + ttl + " must be in 1..255");
        }
    }

    @Override
    public String name() {
        return "mcast " + device + " " + group.getHostAddress() + ":" + port;
    }

    @Override
    public String detail() {
        return "mcast " + group.getHostAddress() + ":" + port;
    }
}
