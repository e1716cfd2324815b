package io.tandem.health;

import io.tandem.config.ConfigException;
import io.tandem.config.director.CheckSpec;
import io.tandem.config.director.DirectorConfig;
import io.tandem.config.director.Globals;
import io.tandem.config.director.RealServerSpec;
import io.tandem.config.director.VirtualServiceSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a parsed director.cf into the servers to check, with ldirectord's defaults applied:
 *
 * <ul>
 *   <li>{@code service=} unset: guessed from the virtual port (80 http, 443 https, 21 ftp, 25 smtp,
 *       110 pop, 995 pops, 143 imap, 993 imaps, 119 nntp, 389 ldap, 53 dns, 3306 mysql,
 *       5432 pgsql, 1812 radius, 5060 sip), as ldirectord does;</li>
 *   <li>{@code checktype=} unset: negotiate, or connect when no service could be guessed
 *       ({@code service=none} written out keeps ldirectord's meaning: negotiate is always up);</li>
 *   <li>timeouts: connect, ping and external checks use {@code connecttimeout} (global), else
 *       {@code checktimeout}; negotiate checks use {@code negotiatetimeout}; block values win;</li>
 *   <li>{@code fall} (failures in a row that take a server down) is {@code failurecount};
 *       {@code rise} is 1 (ldirectord brings a server up on its first success); {@code rise=} and
 *       {@code fall=}, where the config carries them, override both;</li>
 *   <li>{@code httpstatus=} (Tandem's) is the only status an HTTP check accepts, else any 2xx;
 *       {@code verifycert=yes} (Tandem's) makes HTTPS checks verify the certificate;</li>
 *   <li>a real server's own request/receive override the block's; {@code emailalert} of the block,
 *       else the global one; {@code quiescent} of the block, else the global one.</li>
 * </ul>
 * Fallback servers are not checked (ldirectord does not check them either).
 */
public final class CheckPlan {
    private CheckPlan() {
    }

    /** The servers of {@code config} in file order, or the first problem as file:line. */
    public static List<CheckedServer> from(DirectorConfig config) throws ConfigException {
        List<CheckedServer> out = new ArrayList<>();
        Globals g = config.globals();
        for (VirtualServiceSpec vs : config.services()) {
            boolean quiescent = vs.quiescent() != null ? vs.quiescent() : g.quiescent();
            for (RealServerSpec real : vs.reals()) {
                CheckDefinition check = definition(config, vs, real);
                out.add(new CheckedServer(vs.vip(), vs.port(), vs.fwmark(), vs.protocol(),
                        new InetSocketAddress(real.address(), real.port()), quiescent, check, real.line()));
                CheckedServer added = out.get(out.size() - 1);
                if (added.checkAddress().getPort() == 0 && needsPort(check.type())) {
                    throw new ConfigException(config.file(), real.line(), "real=" + real.address().getHostAddress()
                            + " of firewall-mark virtual=" + vs.fwmark() + " has no port to check: set checkport=");
                }
            }
        }
        return out;
    }

    private static boolean needsPort(CheckType type) {
        return type != CheckType.PING && type != CheckType.ON && type != CheckType.OFF && type != CheckType.EXTERNAL;
    }

    private static CheckDefinition definition(DirectorConfig config, VirtualServiceSpec vs, RealServerSpec real)
            throws ConfigException {
        CheckSpec spec = vs.check();
        Globals g = config.globals();
        Map<String, String> other = spec.other();
        int line = vs.line();
        Service service;
        boolean serviceWritten = spec.service() != null;
        if (serviceWritten) {
            service = Service.fromConfig(spec.service());
            if (service == null) {
                throw new ConfigException(config.file(), line, "service=" + spec.service() + " has no health check");
            }
        } else {
            service = Service.forPort(vs.port());
        }
        CheckType type;
        int every = 0;
        String written = spec.checktype();
        if (written == null) {
            type = service == Service.NONE && !serviceWritten ? CheckType.CONNECT : CheckType.NEGOTIATE;
        } else if (written.chars().allMatch(Character::isDigit)) {
            type = CheckType.NEGOTIATE_EVERY_NTH;
            every = Integer.parseInt(written);
        } else {
            type = CheckType.valueOf(written.toUpperCase(java.util.Locale.ROOT));
        }
        Duration checktimeout = spec.checktimeout() != null ? spec.checktimeout()
                : g.connecttimeout() != null ? g.connecttimeout() : g.checktimeout();
        Duration negotiatetimeout = spec.negotiatetimeout() != null ? spec.negotiatetimeout() : g.negotiatetimeout();
        Duration interval = spec.checkinterval() != null ? spec.checkinterval() : g.checkinterval();
        int failurecount = spec.failurecount() != null ? spec.failurecount() : g.failurecount();
        int rise = count(config, line, other, "rise", 1);
        int fall = count(config, line, other, "fall", failurecount);
        String request = real.request() != null ? real.request() : spec.request();
        String receive = real.receive() != null ? real.receive() : spec.receive();
        boolean negotiates = type == CheckType.NEGOTIATE || type == CheckType.NEGOTIATE_EVERY_NTH;
        if (type == CheckType.EXTERNAL && other.get("checkcommand") == null) {
            throw new ConfigException(config.file(), line, "checktype=external needs checkcommand=");
        }
        if (negotiates && service == Service.DNS && (request == null || request.isEmpty())) {
            throw new ConfigException(config.file(), line, "service=dns needs request= (the name to query)");
        }
        if (negotiates && service == Service.RADIUS && other.get("secret") == null) {
            throw new ConfigException(config.file(), line, "service=radius needs secret= (the shared secret)");
        }
        if (receive != null && (service == Service.HTTP || service == Service.HTTPS || service == Service.SIMPLETCP)) {
            try {
                java.util.regex.Pattern.compile(receive);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ConfigException(config.file(), real.request() != null ? real.line() : line,
                        "receive=\"" + receive + "\" is not a valid regular expression: " + e.getDescription());
            }
        }
        String emailalert = other.get("emailalert") != null ? other.get("emailalert") : g.emailalert();
        return CheckDefinition.builder(type, service)
                .negotiateEvery(every)
                .request(request)
                .receive(receive)
                .virtualhost(spec.virtualhost())
                .checkPort(spec.checkport() == null ? 0 : spec.checkport())
                .connectTimeout(checktimeout)
                .negotiateTimeout(negotiatetimeout)
                .interval(interval)
                .rise(rise)
                .fall(fall)
                .httpMethod(other.getOrDefault("httpmethod", "GET"))
                .expectedStatus(other.get("httpstatus") == null ? 0 : Integer.parseInt(other.get("httpstatus")))
                .verifyTls("yes".equals(other.get("verifycert")))
                .login(other.get("login"))
                .passwd(other.get("passwd"))
                .database(other.get("database"))
                .secret(other.get("secret"))
                .checkCommand(other.get("checkcommand"))
                .emailAlert(emailalert)
                .build();
    }

    private static int count(DirectorConfig config, int line, Map<String, String> other, String key, int dflt)
            throws ConfigException {
        String v = other.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.matches("[0-9]{1,9}") || Integer.parseInt(v) < 1) {
            throw new ConfigException(config.file(), line, key + "=" + v + " must be a whole number >= 1");
        }
        return Integer.parseInt(v);
    }
}
