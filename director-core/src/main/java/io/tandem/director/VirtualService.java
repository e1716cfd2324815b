package io.tandem.director;

import io.tandem.director.sched.SchedulerSpec;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A virtual service as configured ({@code virtual=VIP:PORT} and its block in director.cf):
 * clients reach {@code address:port} over {@code protocol}, and the director spreads them over
 * the real servers. Immutable and validated; a real server that names no port or forwarding
 * method takes the service's ({@link #resolvedRealServers()}), also after a {@code with...} copy.
 *
 * @param port        0..65535; 0 (all ports) only with persistence, as in IPVS
 * @param forwarding  the default for real servers that name none
 * @param fallback    the "sorry" server used when no real server takes connections, or null
 * @param quiescent   when a health check fails, set the server's weight to 0 (existing
 *                    connections continue) rather than take it out of the service
 */
public record VirtualService(Protocol protocol, InetAddress address, int port, SchedulerSpec scheduler,
        Persistence persistence, ForwardingMethod forwarding, List<RealServer> realServers, RealServer fallback,
        boolean quiescent) {

    public VirtualService {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(realServers, "realServers");
        String name = label(protocol, address, port);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("virtual " + name + " port=" + port + " must be in [0, 65535]");
        }
        if (port == 0 && !persistence.isEnabled()) {
            throw new IllegalArgumentException("virtual " + name + " port=0 (all ports) needs persistent= set");
        }
        boolean ipv4 = address instanceof Inet4Address;
        if (ipv4 && persistence.prefixLength() > 32) {
            throw new IllegalArgumentException("virtual " + name + " netmask prefix=" + persistence.prefixLength()
                    + " must be at most 32 for IPv4");
        }
        Set<String> seen = new HashSet<>();
        for (RealServer r : realServers) {
            RealServer rs = checked(name, ipv4, port, r.resolvedFor(port, forwarding));
            if (!seen.add(rs.label())) {
                throw new IllegalArgumentException("virtual " + name + " real=" + rs.label() + " is listed twice");
            }
        }
        realServers = List.copyOf(realServers);
        if (fallback != null) {
            checked(name, ipv4, port, fallback.resolvedFor(port, forwarding));
        }
    }

    /** The real servers with the service's port and forwarding method filled in where they name none. */
    public List<RealServer> resolvedRealServers() {
        List<RealServer> out = new ArrayList<>(realServers.size());
        for (RealServer r : realServers) {
            out.add(r.resolvedFor(port, forwarding));
        }
        return out;
    }

    /** The fallback server resolved as {@link #resolvedRealServers()}, or null. */
    public RealServer resolvedFallback() {
        return fallback == null ? null : fallback.resolvedFor(port, forwarding);
    }

    private static RealServer checked(String name, boolean ipv4, int servicePort, RealServer rs) {
        if ((rs.address() instanceof Inet4Address) != ipv4 && rs.forwarding() != ForwardingMethod.TUNNEL) {
            throw new IllegalArgumentException("virtual " + name + " real=" + rs.label()
                    + " is of the other address family; only ipip forwarding can mix families");
        }
        if (rs.port() != servicePort && rs.forwarding() != ForwardingMethod.NAT) {
            throw new IllegalArgumentException("virtual " + name + " real=" + rs.label() + " "
                    + rs.forwarding().ldirectordName() + " cannot change the port; only masq can");
        }
        return rs;
    }

    /** A service with IPVS's defaults: no persistence, direct routing, no fallback, quiescent. */
    public static VirtualService of(Protocol protocol, InetAddress address, int port, SchedulerSpec scheduler,
            List<RealServer> realServers) {
        return new VirtualService(protocol, address, port, scheduler, Persistence.NONE,
                ForwardingMethod.DIRECT_ROUTING, realServers, null, true);
    }

    public VirtualService withPersistence(Persistence p) {
        return new VirtualService(protocol, address, port, scheduler, p, forwarding, realServers, fallback, quiescent);
    }

    public VirtualService withForwarding(ForwardingMethod m) {
        return new VirtualService(protocol, address, port, scheduler, persistence, m, realServers, fallback, quiescent);
    }

    public VirtualService withFallback(RealServer f) {
        return new VirtualService(protocol, address, port, scheduler, persistence, forwarding, realServers, f, quiescent);
    }

    public VirtualService withQuiescent(boolean q) {
        return new VirtualService(protocol, address, port, scheduler, persistence, forwarding, realServers, fallback, q);
    }

    /** {@code TCP 198.51.100.10:80}, {@code UDP [2001:db8::10]:53}. */
    public String label() {
        return label(protocol, address, port);
    }

    private static String label(Protocol protocol, InetAddress address, int port) {
        String host = address == null ? "?" : address.getHostAddress();
        return protocol + " " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
