package io.tandem.config;

import java.net.InetAddress;

/**
 * A virtual address resource: {@code IPaddr::ADDR[/PREFIX[/DEV]]}, {@code IPaddr2::...} or
 * {@code IPv6addr::ADDR/PREFIX[/DEV]}, or a bare address (Heartbeat's shorthand for IPaddr).
 *
 * @param device interface to add the address to, or null to pick the interface whose
 *               subnet contains the address
 */
public record VipSpec(String kind, InetAddress address, int prefixLength, String device, String text)
        implements ResourceSpec {
}
