package io.tandem.config.director;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * One {@code virtual=} block.
 *
 * @param vip           the virtual address; null for a firewall-mark service
 * @param port          1..65535; 0 for a firewall-mark service
 * @param fwmark        the firewall mark; 0 if the service is an address and port
 * @param protocol      {@code tcp}, {@code udp} or {@code fwm}
 * @param scheduler     the IPVS scheduler, {@code wrr} unless set
 * @param persistent    persistence timeout; {@link Duration#ZERO} means not persistent
 * @param netmaskPrefix persistence granularity as a prefix length (32 or 128 unless set)
 * @param quiescent     null means "the global quiescent="
 * @param fallback      the fallback server, or null for none (the global one, if any, applies)
 * @param line          1-based line of the {@code virtual=} directive
 */
public record VirtualServiceSpec(InetAddress vip, int port, int fwmark, String protocol, String scheduler,
        Duration persistent, int netmaskPrefix, Boolean quiescent, RealServerSpec fallback, CheckSpec check,
        List<RealServerSpec> reals, int line) {
    public VirtualServiceSpec {
        reals = List.copyOf(reals);
    }
}
