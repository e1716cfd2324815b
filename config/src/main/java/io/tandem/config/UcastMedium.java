package io.tandem.config;

import java.net.InetAddress;

/** One {@code ucast DEV PEER_IP} line of ha.cf that points at the peer (lines naming our own address are dropped). */
public record UcastMedium(String device, InetAddress peer, int line) {
}
