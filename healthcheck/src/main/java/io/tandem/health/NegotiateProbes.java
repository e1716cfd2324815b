package io.tandem.health;

import io.netty.bootstrap.Bootstrap;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;

/** The negotiate probe of each {@link Service} other than HTTP/HTTPS (which {@link ProbeSet} holds). */
final class NegotiateProbes {
    private final Map<Service, Probe> probes = new EnumMap<>(Service.class);

    NegotiateProbes(Executor blocking, Bootstrap udp) {
        probes.put(Service.NONE, (server, timeoutNanos, done) -> {
            done.complete(true, "service=none: nothing to negotiate");
            return Probe.Cancellable.NONE;
        });
        probes.put(Service.SIMPLETCP, new SimpleTcpProbe(blocking));
        probes.put(Service.FTP, new MailProbes.Ftp(blocking));
        probes.put(Service.SMTP, new MailProbes.Smtp(blocking));
        probes.put(Service.POP, new MailProbes.Pop(blocking, false));
        probes.put(Service.POPS, new MailProbes.Pop(blocking, true));
        probes.put(Service.IMAP, new MailProbes.Imap(blocking, false));
        probes.put(Service.IMAPS, new MailProbes.Imap(blocking, true));
        probes.put(Service.NNTP, new MailProbes.Nntp(blocking));
        probes.put(Service.LDAP, new LdapProbe(blocking));
        probes.put(Service.MYSQL, new DatabaseProbes.Mysql(blocking));
        probes.put(Service.PGSQL, new DatabaseProbes.Pgsql(blocking));
        probes.put(Service.DNS, new DnsProbe(udp));
        probes.put(Service.RADIUS, new RadiusProbe(udp));
        probes.put(Service.SIP, new SipProbe(udp));
    }

    Probe forService(Service service) {
        Probe p = probes.get(service);
        if (p == null) {
            throw new IllegalStateException("no negotiate check for service=" + service.configName());
        }
        return p;
    }
}
