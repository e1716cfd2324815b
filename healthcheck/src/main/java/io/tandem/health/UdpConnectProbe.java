package io.tandem.health;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.concurrent.Executor;

/**
 * {@code checktype=connect} for a UDP service. UDP has no handshake, so this is the one thing a
 * connect can tell: a one-byte datagram is sent and the server is down if the host answers ICMP
 * port unreachable (seen on a connected socket as {@link PortUnreachableException}); silence or
 * any reply within a short wait counts as up. Runs on the blocking pool.
 */
final class UdpConnectProbe extends BlockingProbe {
    /** How long to wait for an ICMP error: it comes within a round trip, silence means nothing more. */
    static final int ICMP_WAIT_MILLIS = 200;

    UdpConnectProbe(Executor executor) {
        super(executor);
    }

    @Override
    protected CheckType kind(CheckedServer server) {
        return CheckType.CONNECT;
    }

    @Override
    protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
        DatagramSocket socket = resources.add(new DatagramSocket());
        socket.connect(server.checkAddress());
        // one byte: the JDK does not send an empty datagram from a DatagramSocket
        socket.send(new DatagramPacket(new byte[1], 1));
        socket.setSoTimeout(Math.min(timeoutMillis, ICMP_WAIT_MILLIS));
        try {
            socket.receive(new DatagramPacket(new byte[512], 512));
            return "answered";
        } catch (PortUnreachableException e) {
            throw new CheckFailure("port unreachable");
        } catch (SocketTimeoutException e) {
            return "no ICMP error within " + Math.min(timeoutMillis, ICMP_WAIT_MILLIS) + " ms";
        }
    }
}
