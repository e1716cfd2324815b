package io.tandem.health;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One real server of one virtual service, with how it is checked. Two equal instances are the
 * same server with the same check: {@link HealthMonitor#update} keeps the state of those.
 *
 * @param vip       the virtual address, or null for a firewall-mark service
 * @param vport     the virtual port (0 for a firewall-mark service)
 * @param fwmark    the firewall mark, or 0
 * @param protocol  {@code tcp}, {@code udp} or {@code fwm}
 * @param real      the real server's address and port (port 0: none written, fwmark service)
 * @param quiescent true: a down server gets weight 0; false: it is removed (the lead's forwarder decides)
 * @param check     how it is checked
 * @param line      line of its {@code real=} in director.cf, or 0
 */
public record CheckedServer(InetAddress vip, int vport, int fwmark, String protocol, InetSocketAddress real,
        boolean quiescent, CheckDefinition check, int line) {

    public CheckedServer {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(real, "real");
        Objects.requireNonNull(check, "check");
    }

    /** A TCP real server of virtual {@code vip:vport}, quiescent, for code that builds servers itself. */
    public static CheckedServer tcp(InetSocketAddress vip, InetSocketAddress real, CheckDefinition check) {
        return new CheckedServer(vip.getAddress(), vip.getPort(), 0, "tcp", real, true, check, 0);
    }

    /** Where checks go: the real address with {@code checkport}, else the real port, else the service's. */
    public InetSocketAddress checkAddress() {
        int port = check.checkPort() != 0 ? check.checkPort()
                : real.getPort() != 0 ? real.getPort() : check.service().defaultPort();
        return new InetSocketAddress(real.getAddress(), port);
    }

    /** Whether the virtual service is UDP (so a connect check is a datagram, not a handshake). */
    public boolean udp() {
        return protocol.equals("udp");
    }

    /** {@code 198.51.100.10:80/tcp} or {@code fwmark 7}: the virtual service, for messages. */
    public String virtualName() {
        return vip == null ? "fwmark " + fwmark : hostPort(vip, vport) + "/" + protocol;
    }

    /** {@code 198.51.100.21:80}: the real server, for messages. */
    public String realName() {
        return hostPort(real.getAddress(), real.getPort());
    }

    static String hostPort(InetAddress address, int port) {
        return address instanceof Inet6Address
                ? "[" + address.getHostAddress() + "]:" + port
                : address.getHostAddress() + ":" + port;
    }

    @Override
    public String toString() {
        return realName() + " of " + virtualName();
    }
}
