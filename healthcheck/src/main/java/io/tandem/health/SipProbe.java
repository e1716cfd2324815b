package io.tandem.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code service=sip}, as ldirectord's check_sip: an OPTIONS request over UDP (RFC 3261 11);
 * up if the answer to it (same Call-ID) is {@code SIP/2.0 200}. Provisional 1xx answers are
 * skipped. {@code login=} is the user of the request URI and From (default {@code tandem}).
 * Netty datagrams on the event loop.
 */
final class SipProbe implements Probe {
    private final Bootstrap udp;

    SipProbe(Bootstrap udp) {
        this.udp = udp;
    }

    @Override
    public Cancellable start(CheckedServer server, long timeoutNanos, Outcome done) {
        InetSocketAddress target = server.checkAddress();
        String user = server.check().login() == null ? "tandem" : server.check().login();
        long token = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        String callId = Long.toHexString(token) + "@tandem";
        return UdpExchange.start(udp, target, HealthEngine.describe(CheckType.NEGOTIATE, server), timeoutNanos,
                () -> new ChannelHandler[0],
                ch -> new DatagramPacket(Unpooled.copiedBuffer(options(target, (InetSocketAddress) ch.localAddress(),
                        user, callId, token), StandardCharsets.UTF_8), target),
                msg -> msg instanceof DatagramPacket p ? judge(p.content().toString(StandardCharsets.UTF_8), callId) : null,
                done);
    }

    static String options(InetSocketAddress target, InetSocketAddress local, String user, String callId, long token) {
        String to = "sip:" + user + "@" + CheckedServer.hostPort(target.getAddress(), target.getPort());
        String me = CheckedServer.hostPort(local.getAddress(), local.getPort());
        return "OPTIONS " + to + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + me + ";branch=z9hG4bK" + Long.toHexString(token) + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + me + ">;tag=" + Long.toHexString(token >>> 16) + "\r\n"
                + "To: <" + to + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Contact: <sip:" + user + "@" + me + ">\r\n"
                + "Accept: application/sdp\r\n"
                + "User-Agent: tandem-healthcheck\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    static UdpExchange.Verdict judge(String answer, String callId) {
        if (!answer.startsWith("SIP/2.0 ") || !hasCallId(answer, callId)) {
            return null;
        }
        String status = answer.lines().findFirst().orElse("");
        if (status.startsWith("SIP/2.0 1")) {
            return null;
        }
        return new UdpExchange.Verdict(status.startsWith("SIP/2.0 200"), status.strip());
    }

    private static boolean hasCallId(String answer, String callId) {
        for (String line : answer.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).strip();
                if ((name.equalsIgnoreCase("Call-ID") || name.equals("i")) && line.substring(colon + 1).strip().equals(callId)) {
                    return true;
                }
            }
        }
        return false;
    }
}
