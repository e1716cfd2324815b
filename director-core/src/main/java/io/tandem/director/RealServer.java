package io.tandem.director;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A real server of a virtual service, as configured ({@code real=ADDRESS:PORT METHOD WEIGHT} in
 * director.cf). Immutable; the weight health checks and operators set at run time lives in
 * {@link RealServerState}.
 *
 * @param port       0 for the virtual service's port
 * @param weight     0..65535; 0 takes no new connections
 * @param forwarding null for the virtual service's default
 */
public record RealServer(InetAddress address, int port, int weight, ForwardingMethod forwarding) {
    public static final int MAX_WEIGHT = 65_535;

    public RealServer {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("real server " + address.getHostAddress() + " port=" + port
                    + " must be in [0, 65535]");
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("real server " + address.getHostAddress() + " weight=" + weight
                    + " must be in [0, 65535]");
        }
    }

    /** A real server of weight {@code weight} using the service's port and forwarding method. */
    public static RealServer of(InetAddress address, int weight) {
        return new RealServer(address, 0, weight, null);
    }

    RealServer resolvedFor(int servicePort, ForwardingMethod serviceDefault) {
        return new RealServer(address, port == 0 ? servicePort : port, weight,
                forwarding == null ? serviceDefault : forwarding);
    }

    /** {@code 198.51.100.21:80}, {@code [2001:db8::21]:80}. */
    public String label() {
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
