package io.tandem.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code service=dns}, as ldirectord's check_dns: asks the server for {@code request=} (type A,
 * or AAAA when {@code receive=} is an IPv6 address) with recursion desired; up if the answer is
 * NOERROR with at least one address and, when {@code receive=} is set, one of them is that
 * address. Netty's DNS codec on the event loop.
 */
final class DnsProbe implements Probe {
    private final Bootstrap udp;

    DnsProbe(Bootstrap udp) {
        this.udp = udp;
    }

    @Override
    public Cancellable start(CheckedServer server, long timeoutNanos, Outcome done) {
        CheckDefinition check = server.check();
        String name = check.request();
        String receive = check.receive() == null || check.receive().isEmpty() ? null : check.receive();
        DnsRecordType type = receive != null && receive.contains(":") ? DnsRecordType.AAAA : DnsRecordType.A;
        InetSocketAddress target = server.checkAddress();
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        return UdpExchange.start(udp, target, HealthEngine.describe(CheckType.NEGOTIATE, server), timeoutNanos,
                () -> new ChannelHandler[] {new DatagramDnsQueryEncoder(), new DatagramDnsResponseDecoder()},
                ch -> new DatagramDnsQuery(null, target, id).setRecursionDesired(true)
                        .addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type)),
                msg -> {
                    if (!(msg instanceof DatagramDnsResponse response) || response.id() != id) {
                        return null;
                    }
                    if (!response.code().equals(DnsResponseCode.NOERROR)) {
                        return new UdpExchange.Verdict(false, name + " " + type.name() + ": " + response.code().toString());
                    }
                    List<String> addresses = addresses(response, type);
                    if (addresses.isEmpty()) {
                        return new UdpExchange.Verdict(false, name + " " + type.name() + ": no address in the answer");
                    }
                    if (receive != null && !addresses.contains(normalise(receive))) {
                        return new UdpExchange.Verdict(false, name + " is " + String.join(", ", addresses)
                                + ", expected " + receive);
                    }
                    return new UdpExchange.Verdict(true, name + " is " + String.join(", ", addresses));
                }, done);
    }

    private static List<String> addresses(DatagramDnsResponse response, DnsRecordType type) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
            DnsRecord r = response.recordAt(DnsSection.ANSWER, i);
            if (r.type().equals(type) && r instanceof DnsRawRecord raw) {
                ByteBuf content = raw.content();
                try {
                    out.add(InetAddress.getByAddress(ByteBufUtil.getBytes(content)).getHostAddress());
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("bad " + type.name() + " record of " + content.readableBytes() + " bytes");
                }
            }
        }
        return out;
    }

    private static String normalise(String address) {
        if (!address.matches("[0-9.]+") && !address.contains(":")) {
            return address;
        }
        try {
            return InetAddress.getByName(address).getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
