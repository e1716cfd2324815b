package io.tandem.config.keepalived;

import io.tandem.config.ConfigException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns keepalived's {@code virtual_server} blocks into director.cf (ldirectord.cf syntax).
 *
 * <pre>
 *   virtual_server IP PORT | fwmark N  -> virtual=IP:PORT | virtual=N
 *   lb_algo / lvs_sched                -> scheduler=    (rr wrr lc wlc sh dh sed nq mh)
 *   lb_kind / lvs_method DR|NAT|TUN    -> gate|masq|ipip on each real= (keepalived's default: NAT)
 *   persistence_timeout [N]            -> persistent=N  (N defaults to 360, as in keepalived)
 *   persistence_granularity MASK       -> netmask=MASK
 *   sorry_server IP PORT               -> fallback=IP:PORT METHOD
 *   real_server IP PORT { weight W }   -> real=IP:PORT METHOD W
 *   inhibit_on_failure (every real)    -> quiescent=yes, else quiescent=no (keepalived removes)
 *   HTTP_GET / SSL_GET url path        -> checktype=negotiate service=http|https request="path"
 *   url regex                          -> receive="regex" (ldirectord matches it against the body)
 *   TCP_CHECK                          -> checktype=connect
 *   SMTP_CHECK / DNS_CHECK / PING_CHECK-> negotiate smtp / negotiate dns / ping
 *   connect_port                       -> checkport=
 *   connect_timeout T                  -> checktimeout= (and negotiatetimeout= for negotiate)
 *   delay_loop T                       -> checkinterval=  (keepalived's default: 60)
 *   retry / nb_get_retry N             -> failurecount=N+1 (N more checks after the first failure)
 * </pre>
 *
 * director.cf runs one check per virtual service; where keepalived's real servers disagree, the
 * first real server's check wins and the rest is listed as untranslated. Status codes: an http
 * check in ldirectord's style passes on any 2xx, so 2xx status_codes translate (a narrower one is
 * noted) and others do not; {@code digest} does not translate.
 */
final class LvsTranslator {
    private static final Map<String, String> METHODS = Map.of("DR", "gate", "NAT", "masq", "TUN", "ipip");
    private static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq", "mh");
    private static final Set<String> CHECKERS = Set.of("HTTP_GET", "SSL_GET", "TCP_CHECK", "SMTP_CHECK", "DNS_CHECK",
            "PING_CHECK", "MISC_CHECK", "UDP_CHECK", "BFD_CHECK", "FILE_CHECK");
    private static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int DEFAULT_RETRY = 1;
    private static final int DEFAULT_PERSISTENCE_SECONDS = 360;

    private final List<String> untranslated;
    private final List<String> notes;

    /** Timing and target settings that a checker inherits from its real server and virtual server. */
    private record Defaults(Duration connectTimeout, Integer retry, Duration delayLoop, String virtualhost) {
        Defaults with(KeepalivedNode c) throws ConfigException {
            return switch (c.keyword()) {
                case "connect_timeout" -> new Defaults(Values.timer(c, Values.onlyArg(c, "SECONDS")), retry, delayLoop,
                        virtualhost);
                case "retry", "nb_get_retry" -> new Defaults(connectTimeout,
                        Values.integer(c, Values.onlyArg(c, "COUNT"), 0, 1000), delayLoop, virtualhost);
                case "delay_loop" -> new Defaults(connectTimeout, retry, Values.timer(c, Values.onlyArg(c, "SECONDS")),
                        virtualhost);
                case "virtualhost" -> new Defaults(connectTimeout, retry, delayLoop, Values.onlyArg(c, "NAME"));
                default -> this;
            };
        }

        static boolean isDefault(String keyword) {
            return Set.of("connect_timeout", "retry", "nb_get_retry", "delay_loop", "virtualhost").contains(keyword);
        }
    }

    /** One translated check. */
    private record Check(KeepalivedNode node, String checktype, String service, String request, String receive,
            String virtualhost, Integer port, Duration timeout, int failurecount, Duration interval) {
        boolean sameTarget(Check o) {
            return Objects.equals(request, o.request) && Objects.equals(receive, o.receive);
        }
    }

    private record Real(KeepalivedNode node, String address, String method, int weight, boolean inhibit, Check check) {
    }

    LvsTranslator(List<String> untranslated, List<String> notes) {
        this.untranslated = untranslated;
        this.notes = notes;
    }

    String directorCf(Path source, List<KeepalivedNode> services) throws ConfigException {
        StringBuilder sb = new StringBuilder();
        sb.append("# director.cf: written by tandemctl import-keepalived from ").append(source).append('\n');
        for (KeepalivedNode vs : services) {
            virtualServer(vs, sb);
        }
        return sb.toString();
    }

    private void virtualServer(KeepalivedNode vs, StringBuilder sb) throws ConfigException {
        List<String> a = vs.args();
        String header;
        int port;
        boolean v6 = false;
        if (!a.isEmpty() && a.get(0).equals("group")) {
            skip(vs, "virtual_server_group is not translated; write one virtual= block per address");
            return;
        } else if (a.size() == 2 && a.get(0).equals("fwmark")) {
            header = "virtual=" + Values.integer(vs, a.get(1), 1, Integer.MAX_VALUE);
            port = 0;
        } else if (a.size() == 2) {
            InetAddress vip = Values.address(vs, "virtual_server", a.get(0));
            v6 = vip instanceof Inet6Address;
            port = Values.integer(vs, a.get(1), 1, 65535);
            header = "virtual=" + hostPort(vip, port);
        } else if (a.size() == 1) {
            skip(vs, "a virtual_server without a port is not translated; director.cf needs ADDRESS:PORT");
            return;
        } else {
            throw new ConfigException(vs.file(), vs.line(), "virtual_server takes IP PORT, fwmark N or group NAME");
        }
        String method = "masq";
        String scheduler = null;
        String protocol = port == 0 ? null : "tcp";
        Integer persistent = null;
        String netmask = null;
        KeepalivedNode sorry = null;
        String sorryMethod = null;
        boolean inhibit = false;
        Defaults defaults = new Defaults(DEFAULT_CONNECT_TIMEOUT, null, DEFAULT_DELAY_LOOP, null);
        List<KeepalivedNode> reals = new ArrayList<>();
        for (KeepalivedNode c : vs.children()) {
            switch (c.keyword()) {
                case "lb_algo", "lvs_sched" -> {
                    String s = Values.onlyArg(c, "SCHEDULER").toLowerCase(Locale.ROOT);
                    if (SCHEDULERS.contains(s)) {
                        scheduler = s;
                    } else {
                        skip(c, "scheduler " + s + " is not available in Tandem; director.cf keeps its default (wrr)");
                    }
                }
                case "lb_kind", "lvs_method" -> method = method(c);
                case "persistence_timeout" -> persistent = c.args().isEmpty() ? DEFAULT_PERSISTENCE_SECONDS
                        : Values.integer(c, c.args().get(0), 0, Integer.MAX_VALUE);
                case "persistence_granularity" -> netmask = Values.onlyArg(c, "NETMASK");
                case "protocol" -> {
                    String p = Values.onlyArg(c, "TCP|UDP").toLowerCase(Locale.ROOT);
                    if (p.equals("tcp") || p.equals("udp")) {
                        protocol = port == 0 ? null : p;
                        if (port == 0 && p.equals("udp")) {
                            skip(c, "a firewall-mark service covers every protocol the mark selects");
                        }
                    } else {
                        skip(vs, "protocol " + p + " is not supported; the virtual service is not translated");
                        return;
                    }
                }
                case "sorry_server" -> sorry = c;
                case "sorry_server_lvs_method" -> sorryMethod = method(c);
                case "inhibit_on_failure" -> inhibit = c.args().isEmpty() || bool(c);
                case "real_server" -> reals.add(c);
                case "delay_before_retry" -> skip(c, "no retry delay in director.cf: a failed check is retried at the "
                        + "next checkinterval");
                default -> {
                    if (Defaults.isDefault(c.keyword())) {
                        defaults = defaults.with(c);
                    } else {
                        skip(c, "virtual_server setting with no Tandem equivalent");
                    }
                }
            }
        }
        List<Real> translated = new ArrayList<>();
        for (KeepalivedNode r : reals) {
            translated.add(real(r, v6, method, inhibit, defaults));
        }
        sb.append('\n').append("# ").append(vs.where()).append(' ').append(vs.text()).append('\n');
        sb.append(header).append('\n');
        if (protocol != null) {
            sb.append("\tprotocol=").append(protocol).append('\n');
        }
        if (scheduler != null) {
            sb.append("\tscheduler=").append(scheduler).append('\n');
        }
        if (persistent != null && persistent > 0) {
            sb.append("\tpersistent=").append(persistent).append('\n');
            if (netmask != null) {
                sb.append("\tnetmask=").append(netmask).append('\n');
            }
        }
        if (sorry != null) {
            sb.append("\tfallback=").append(sorry(sorry, v6)).append(' ')
                    .append(sorryMethod != null ? sorryMethod : method).append('\n');
        }
        checks(translated, sb, defaults);
    }

    private void checks(List<Real> reals, StringBuilder sb, Defaults defaults) {
        Check first = null;
        boolean perReal = false;
        for (Real r : reals) {
            if (r.check() == null) {
                continue;
            }
            if (first == null) {
                first = r.check();
            } else if (!first.checktype().equals(r.check().checktype())
                    || !Objects.equals(first.service(), r.check().service())) {
                skip(r.check().node(), "differs from the check of " + first.node().where()
                        + "; director.cf runs one check per virtual service, that one");
            } else {
                perReal |= !first.sameTarget(r.check());
                noteIfDiffers(r.check(), first);
            }
        }
        for (Real r : reals) {
            sb.append("\treal=").append(r.address()).append(' ').append(r.method()).append(' ').append(r.weight());
            if (perReal && first != null) {
                Check c = r.check() != null && r.check().checktype().equals(first.checktype()) ? r.check() : first;
                sb.append(" \"").append(nullToEmpty(c.request())).append("\", \"").append(nullToEmpty(c.receive()))
                        .append('"');
            }
            sb.append('\n');
        }
        boolean allInhibit = !reals.isEmpty() && reals.stream().allMatch(Real::inhibit);
        if (!allInhibit && reals.stream().anyMatch(Real::inhibit)) {
            skip(reals.stream().filter(Real::inhibit).findFirst().orElseThrow().node(), "inhibit_on_failure on only "
                    + "some real servers: director.cf's quiescent= is per virtual service; quiescent=no");
        }
        sb.append("\tquiescent=").append(allInhibit ? "yes" : "no")
                .append(allInhibit ? "\n" : "   # keepalived removes a failed real server unless inhibit_on_failure\n");
        if (first == null) {
            sb.append("\tchecktype=on   # no translated checker: every real server counts as up\n");
            sb.append("\tcheckinterval=").append(Values.wholeSeconds(defaults.delayLoop())).append('\n');
            return;
        }
        sb.append("\tchecktype=").append(first.checktype()).append('\n');
        if (first.service() != null) {
            sb.append("\tservice=").append(first.service()).append('\n');
        }
        if (!perReal && first.request() != null) {
            sb.append("\trequest=\"").append(first.request()).append("\"\n");
        }
        if (!perReal && first.receive() != null) {
            sb.append("\treceive=\"").append(first.receive()).append("\"\n");
        }
        if (first.virtualhost() != null) {
            sb.append("\tvirtualhost=").append(first.virtualhost()).append('\n');
        }
        if (first.port() != null) {
            sb.append("\tcheckport=").append(first.port()).append('\n');
        }
        long timeout = Values.wholeSeconds(first.timeout());
        sb.append("\tchecktimeout=").append(timeout).append('\n');
        if (first.checktype().equals("negotiate")) {
            sb.append("\tnegotiatetimeout=").append(timeout).append('\n');
        }
        sb.append("\tcheckinterval=").append(Values.wholeSeconds(first.interval())).append('\n');
        sb.append("\tfailurecount=").append(first.failurecount()).append('\n');
    }

    private void noteIfDiffers(Check c, Check first) {
        if (!Objects.equals(c.port(), first.port()) || !c.timeout().equals(first.timeout())
                || c.failurecount() != first.failurecount() || !c.interval().equals(first.interval())
                || !Objects.equals(c.virtualhost(), first.virtualhost())) {
            skip(c.node(), "its port/timeout/retry/delay_loop/virtualhost differ from " + first.node().where()
                    + "; director.cf has one value per virtual service, that one's");
        }
    }

    private Real real(KeepalivedNode r, boolean v6, String vsMethod, boolean vsInhibit, Defaults vsDefaults)
            throws ConfigException {
        List<String> a = r.args();
        if (a.isEmpty() || a.size() > 2) {
            throw new ConfigException(r.file(), r.line(), "real_server takes IP [PORT]");
        }
        InetAddress ip = Values.address(r, "real_server", a.get(0));
        if ((ip instanceof Inet6Address) != v6) {
            throw new ConfigException(r.file(), r.line(), "real_server " + a.get(0)
                    + " is not the same address family as its virtual_server");
        }
        String address = a.size() == 2 ? hostPort(ip, Values.integer(r, a.get(1), 1, 65535))
                : v6 ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        int weight = 1;
        String method = vsMethod;
        boolean inhibit = vsInhibit;
        Defaults defaults = vsDefaults;
        List<KeepalivedNode> checkers = new ArrayList<>();
        for (KeepalivedNode c : r.children()) {
            switch (c.keyword()) {
                case "weight" -> weight = Values.integer(c, Values.onlyArg(c, "WEIGHT"), 0, 65535);
                case "lb_kind", "lvs_method" -> method = method(c);
                case "inhibit_on_failure" -> inhibit = c.args().isEmpty() || bool(c);
                case "delay_before_retry" -> skip(c, "no retry delay in director.cf: a failed check is retried at the "
                        + "next checkinterval");
                default -> {
                    if (Defaults.isDefault(c.keyword())) {
                        defaults = defaults.with(c);
                    } else if (CHECKERS.contains(c.keyword())) {
                        checkers.add(c);
                    } else {
                        skip(c, c.keyword().startsWith("notify")
                                ? "notify scripts of real servers are not translated"
                                : "real_server setting with no Tandem equivalent");
                    }
                }
            }
        }
        Check check = null;
        for (KeepalivedNode c : checkers) {
            if (check != null) {
                skip(c, "director.cf runs one check per real server; the first checker is translated");
                continue;
            }
            check = checker(c, defaults);
        }
        return new Real(r, address, method, weight, inhibit, check);
    }

    /** A translated checker, or null (and listed) when it has no director.cf equivalent. */
    private Check checker(KeepalivedNode c, Defaults inherited) throws ConfigException {
        String checktype;
        String service = null;
        switch (c.keyword()) {
            case "HTTP_GET" -> {
                checktype = "negotiate";
                service = "http";
            }
            case "SSL_GET" -> {
                checktype = "negotiate";
                service = "https";
            }
            case "TCP_CHECK" -> checktype = "connect";
            case "SMTP_CHECK" -> {
                checktype = "negotiate";
                service = "smtp";
            }
            case "DNS_CHECK" -> {
                checktype = "negotiate";
                service = "dns";
            }
            case "PING_CHECK" -> checktype = "ping";
            default -> {
                skip(c, c.keyword().equals("MISC_CHECK")
                        ? "keepalived's misc_path command line has no director.cf equivalent (ldirectord's checkcommand"
                        + " gets other arguments); rewrite it as checktype=external"
                        : "checker with no director.cf equivalent");
                return null;
            }
        }
        Defaults d = inherited;
        Integer port = null;
        String request = null;
        String receive = null;
        boolean sawUrl = false;
        String dnsName = null;
        for (KeepalivedNode o : c.children()) {
            switch (o.keyword()) {
                case "connect_port" -> port = Values.integer(o, Values.onlyArg(o, "PORT"), 1, 65535);
                case "url" -> {
                    if (service == null || !service.startsWith("http")) {
                        skip(o, "url belongs in HTTP_GET or SSL_GET");
                    } else if (sawUrl) {
                        skip(o, "director.cf checks one request per real server; the first url is translated");
                    } else {
                        sawUrl = true;
                        String[] target = url(o);
                        request = target[0];
                        receive = target[1];
                        if (target[2] != null) {
                            d = new Defaults(d.connectTimeout(), d.retry(), d.delayLoop(), target[2]);
                        }
                    }
                }
                case "name" -> {
                    if ("dns".equals(service)) {
                        dnsName = Values.onlyArg(o, "NAME");
                    } else {
                        skip(o, "checker setting with no Tandem equivalent");
                    }
                }
                case "type" -> {
                    if (!"dns".equals(service) || !Values.onlyArg(o, "TYPE").equalsIgnoreCase("A")) {
                        skip(o, "the dns check asks for an A record; other query types are not translated");
                    }
                }
                case "delay_before_retry" -> skip(o, "no retry delay in director.cf: a failed check is retried at the "
                        + "next checkinterval");
                default -> {
                    if (Defaults.isDefault(o.keyword())) {
                        d = d.with(o);
                    } else {
                        skip(o, "checker setting with no Tandem equivalent");
                    }
                }
            }
        }
        if ("dns".equals(service)) {
            request = dnsName != null ? dnsName : ".";
        }
        if (service != null && service.startsWith("http") && !sawUrl) {
            request = "/";
        }
        int retry = d.retry() != null ? d.retry() : DEFAULT_RETRY;
        return new Check(c, checktype, service, request, receive, d.virtualhost(), port, d.connectTimeout(), retry + 1,
                d.delayLoop());
    }

    /** {path, receive or null, virtualhost or null} of an HTTP_GET url block. */
    private String[] url(KeepalivedNode url) throws ConfigException {
        String path = "/";
        String receive = null;
        String virtualhost = null;
        for (KeepalivedNode o : url.children()) {
            switch (o.keyword()) {
                case "path" -> path = Values.onlyArg(o, "PATH");
                case "status_code" -> statusCodes(o);
                case "digest" -> skip(o, "digest (an MD5 of the page) is not checked; the http check passes on a 2xx"
                        + " status, and on the body matching receive= when one is set");
                case "regex" -> {
                    String regex = Values.onlyArg(o, "REGEX");
                    if (regex.contains("\"")) {
                        skip(o, "a regex holding a double quote cannot be written as receive=\"...\"");
                    } else {
                        receive = regex;
                    }
                }
                case "virtualhost" -> virtualhost = Values.onlyArg(o, "NAME");
                default -> skip(o, "url setting with no Tandem equivalent");
            }
        }
        if (path.contains("\"")) {
            throw new ConfigException(url.file(), url.line(), "url path " + path + " holds a double quote");
        }
        return new String[] {path, receive, virtualhost};
    }

    private void statusCodes(KeepalivedNode o) throws ConfigException {
        boolean all2xx = true;
        boolean whole2xx = false;
        for (String code : o.args()) {
            String[] range = code.split("-", 2);
            int from = Values.integer(o, range[0], 100, 599);
            int to = range.length == 2 ? Values.integer(o, range[1], 100, 599) : from;
            all2xx &= from >= 200 && to <= 299;
            whole2xx |= from == 200 && to == 299;
        }
        if (o.args().isEmpty()) {
            throw new ConfigException(o.file(), o.line(), "status_code needs at least one code or range");
        }
        if (!all2xx) {
            skip(o, "the http check passes on any 2xx status and fails on every other; codes outside 200-299 "
                    + "are not translated");
        } else if (!whole2xx) {
            notes.add(o.where() + ": " + o.text() + ": the http check accepts any 2xx status, not only these");
        }
    }

    private String sorry(KeepalivedNode c, boolean v6) throws ConfigException {
        List<String> a = c.args();
        if (a.isEmpty() || a.size() > 2) {
            throw new ConfigException(c.file(), c.line(), "sorry_server takes IP [PORT]");
        }
        InetAddress ip = Values.address(c, "sorry_server", a.get(0));
        if ((ip instanceof Inet6Address) != v6) {
            throw new ConfigException(c.file(), c.line(), "sorry_server " + a.get(0)
                    + " is not the same address family as its virtual_server");
        }
        return a.size() == 2 ? hostPort(ip, Values.integer(c, a.get(1), 1, 65535))
                : v6 ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
    }

    private String method(KeepalivedNode c) throws ConfigException {
        if (c.args().isEmpty()) {
            throw new ConfigException(c.file(), c.line(), c.keyword() + " takes NAT, DR or TUN");
        }
        String m = METHODS.get(c.args().get(0).toUpperCase(Locale.ROOT));
        if (m == null) {
            throw new ConfigException(c.file(), c.line(), c.keyword() + "=" + c.args().get(0) + " must be NAT, DR or TUN");
        }
        if (c.args().size() > 1) {
            skip(c, "tunnel options (" + String.join(" ", c.args().subList(1, c.args().size()))
                    + ") are not translated; Tandem tunnels with plain IPIP");
        }
        return m;
    }

    private static boolean bool(KeepalivedNode c) throws ConfigException {
        String v = c.args().get(0).toLowerCase(Locale.ROOT);
        if (Set.of("on", "true", "yes").contains(v)) {
            return true;
        }
        if (Set.of("off", "false", "no").contains(v)) {
            return false;
        }
        throw new ConfigException(c.file(), c.line(), c.keyword() + "=" + v + " must be on|off|true|false|yes|no");
    }

    private static String hostPort(InetAddress ip, int port) {
        return ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]:" + port : ip.getHostAddress() + ":" + port;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private void skip(KeepalivedNode n, String why) {
        untranslated.add(n.where() + ": " + n.text() + ": " + why);
    }
}
