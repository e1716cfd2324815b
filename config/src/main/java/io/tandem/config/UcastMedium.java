package io.tandem.config;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One {@code ucast DEV PEER_IP} line of ha.cf that points at the peer (lines naming our own
 * address are dropped). The receiver tells ucast media apart by the datagram's source address,
 * so no two ucast media name the same peer address.
 */
public record UcastMedium(String device, InetAddress peer, int line) implements Medium {
    /** Checks that device and peer are present. */
    public UcastMedium {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(peer, "peer");
    }

    @Override
    public String name() {
        return "ucast " + device + " " + peer.getHostAddress();
    }

    @Override
    public String detail() {
        return "ucast " + peer.getHostAddress();
    }
}
