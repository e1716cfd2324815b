package io.tandem.config;

/**
 * One heartbeat medium of ha.cf: a path on which the two directors hear each other. Heartbeat's
 * three IP media, any number of each, in any mix:
 * <pre>
 *   ucast DEV PEER_IP                    unicast to the peer's address, sent out of DEV
 *   bcast DEV [DEV...]                   to DEV's IPv4 broadcast address at udpport, one medium per DEV
 *   mcast DEV GROUP PORT TTL LOOP        to an IPv4 multicast group joined on DEV
 * </pre>
 * Every medium carries the ha.cf line it was read from, so the daemon can point at it.
 */
public sealed interface Medium permits UcastMedium, BcastMedium, McastMedium {
    /** The network device the medium sends on and listens to, e.g. {@code eth1}. */
    String device();

    /** The 1-based ha.cf line the medium was read from (0 when built in code). */
    int line();

    /**
     * The medium as an operator reads it in status output and logs, unique within one config:
     * {@code ucast eth0 198.51.100.2}, {@code bcast eth1}, {@code mcast eth0 239.0.0.1:694}.
     */
    String name();

    /**
     * What tells this medium apart on the device, for log lines that already name the device:
     * {@code ucast 198.51.100.2}, {@code bcast}, {@code mcast 239.0.0.1:694}.
     */
    String detail();
}
