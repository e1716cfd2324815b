package io.tandem.config;

import io.tandem.config.director.CheckSpec;
import io.tandem.config.director.DirectorConfig;
import io.tandem.config.director.Globals;
import io.tandem.config.director.RealServerSpec;
import io.tandem.config.director.VirtualServiceSpec;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code director.cf}, written in ldirectord.cf syntax.
 *
 * <pre>
 *   checktimeout=10                 global directives start at column 0
 *   virtual=198.51.100.10:80        starts a block (also [2001:db8::1]:80, or a firewall mark: 7)
 *   	real=198.51.100.21:80 gate 3  block lines are indented with tabs or spaces
 *   	scheduler=rr
 * </pre>
 *
 * {@code #} starts a comment outside double quotes. A column-0 line after a block ends the
 * block. Every directive either parses into the model or is a {@link ConfigException} naming
 * file:line; directives may not be repeated, except {@code real=} and {@code execute=}.
 *
 * <p>Tandem extensions (ldirectord has none of these; they are kept in {@link CheckSpec#other()}):
 * <ul>
 *   <li>{@code rise=N}: checks in a row that must pass before a down real server comes up
 *       (ldirectord brings it up on the first; keepalived's {@code rise}/{@code alpha});</li>
 *   <li>{@code fall=N}: failures in a row that take an up server down (ldirectord calls it
 *       {@code failurecount}, which {@code fall=} overrides; keepalived's {@code fall});</li>
 *   <li>{@code httpstatus=NNN}: the one HTTP status an http/https check accepts (ldirectord
 *       accepts any 2xx; keepalived's {@code status_code});</li>
 *   <li>{@code verifycert=yes|no}: whether an https check verifies the server's certificate and
 *       host name (ldirectord never does; default no).</li>
 * </ul>
 */
public final class DirectorCfParser {
    private static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "sed", "nq", "dh", "sh", "mh");
    private static final Set<String> UNSUPPORTED_SCHEDULERS = Set.of("lblc", "lblcr");
    private static final List<String> SCHEDULER_LIST =
            List.of("rr", "wrr", "lc", "wlc", "dh", "sh", "sed", "nq", "mh");
    private static final List<String> METHODS = List.of("gate", "masq", "ipip");
    private static final List<String> PROTOCOLS = List.of("tcp", "udp", "fwm");
    private static final List<String> CHECKTYPES = List.of("connect", "negotiate", "ping", "external", "on", "off");
    private static final List<String> SERVICES = List.of("http", "https", "ftp", "smtp", "pop", "pops", "imap",
            "imaps", "nntp", "ldap", "dns", "mysql", "pgsql", "radius", "sip", "none", "simpletcp");
    private static final List<String> HTTP_METHODS = List.of("GET", "HEAD");
    private static final Set<String> GLOBALS = Set.of("checktimeout", "negotiatetimeout", "connecttimeout",
            "checkinterval", "failurecount", "fallback", "autoreload", "callback", "logfile", "emailalert",
            "emailalertfreq", "emailalertstatus", "emailalertfrom", "quiescent", "cleanstop", "maintenancedir",
            "fork", "supervised", "smtp", "execute");
    private static final Set<String> BLOCK = Set.of("real", "scheduler", "protocol", "persistent", "netmask",
            "quiescent", "fallback", "checktype", "service", "request", "receive", "virtualhost", "login", "passwd",
            "database", "secret", "checkport", "checktimeout", "negotiatetimeout", "checkinterval", "failurecount",
            "httpmethod", "emailalert", "checkcommand", "cleanstop", "ops", "servicename", "comment",
            "rise", "fall", "httpstatus", "verifycert");
    /** Block directives kept raw in {@link CheckSpec#other()}. */
    private static final Set<String> OTHER_CHECK = Set.of("login", "passwd", "database", "secret", "httpmethod",
            "emailalert", "checkcommand", "cleanstop", "ops", "servicename", "comment");
    private static final Pattern DIRECTIVE = Pattern.compile("([A-Za-z]+)\\s*=\\s*(.*)");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,10}");
    /** {@code real=ADDR METHOD [WEIGHT] ["REQUEST", "RECEIVE"]}. */
    private static final Pattern REAL = Pattern.compile(
            "(\\S+)(?:\\s+(\\S+))?(?:\\s+([0-9]+))?(?:\\s+\"([^\"]*)\"\\s*,?\\s*\"([^\"]*)\")?");
    private static final Pattern FALLBACK = Pattern.compile("(\\S+)(?:\\s+(\\S+))?");

    private final Path file;
    private final Map<String, Integer> globalLines = new HashMap<>();
    private final Map<String, Integer> serviceLines = new HashMap<>();
    private final List<VirtualServiceSpec> services = new ArrayList<>();
    private Block block;

    // globals, at ldirectord's defaults until set
    private Duration checktimeout = Globals.DEFAULTS.checktimeout();
    private Duration negotiatetimeout = Globals.DEFAULTS.negotiatetimeout();
    private Duration connecttimeout = Globals.DEFAULTS.connecttimeout();
    private Duration checkinterval = Globals.DEFAULTS.checkinterval();
    private int failurecount = Globals.DEFAULTS.failurecount();
    private RealServerSpec fallback = Globals.DEFAULTS.fallback();
    private boolean autoreload = Globals.DEFAULTS.autoreload();
    private String callback = Globals.DEFAULTS.callback();
    private String logfile = Globals.DEFAULTS.logfile();
    private String emailalert = Globals.DEFAULTS.emailalert();
    private Duration emailalertfreq = Globals.DEFAULTS.emailalertfreq();
    private String emailalertstatus = Globals.DEFAULTS.emailalertstatus();
    private String emailalertfrom = Globals.DEFAULTS.emailalertfrom();
    private boolean quiescent = Globals.DEFAULTS.quiescent();
    private boolean cleanstop = Globals.DEFAULTS.cleanstop();
    private String maintenancedir = Globals.DEFAULTS.maintenancedir();
    private boolean fork = Globals.DEFAULTS.fork();
    private boolean supervised = Globals.DEFAULTS.supervised();
    private String smtp = Globals.DEFAULTS.smtp();
    private final List<String> execute = new ArrayList<>();

    private DirectorCfParser(Path file) {
        this.file = file;
    }

    /** Reads and parses {@code file}, which must exist; I/O problems are reported for line 0. */
    public static DirectorConfig load(Path file) throws ConfigException {
        if (!Files.exists(file)) {
            throw new ConfigException(file, 0, "file not found");
        }
        if (Files.isDirectory(file)) {
            throw new ConfigException(file, 0, "cannot read: is a directory");
        }
        return new DirectorCfParser(file).parse(ConfigText.readPhysicalLines(file));
    }

    private DirectorConfig parse(List<String> physical) throws ConfigException {
        for (int i = 0; i < physical.size(); i++) {
            onLine(i + 1, physical.get(i));
        }
        endBlock();
        Globals globals = new Globals(checktimeout, negotiatetimeout, connecttimeout, checkinterval, failurecount,
                fallback, autoreload, callback, logfile, emailalert, emailalertfreq, emailalertstatus,
                emailalertfrom, quiescent, cleanstop, maintenancedir, fork, supervised, smtp, execute);
        return new DirectorConfig(file, globals, services);
    }

    private void onLine(int number, String raw) throws ConfigException {
        String text = stripComment(number, raw);
        if (text.isBlank()) {
            return;
        }
        boolean indented = Character.isWhitespace(text.charAt(0));
        Matcher m = DIRECTIVE.matcher(text.strip());
        if (!m.matches()) {
            throw new ConfigException(file, number, "'" + text.strip() + "' is not a directive=value line");
        }
        String key = m.group(1);
        String value = m.group(2).strip();
        if (key.equals("virtual")) {
            if (indented) {
                throw new ConfigException(file, number, "virtual=" + value + " must start at column 0");
            }
            endBlock();
            block = new Block(number, value);
            return;
        }
        if (indented) {
            if (block == null) {
                throw new ConfigException(file, number, key + "=" + value
                        + " is indented but no virtual= precedes it");
            }
            if (!BLOCK.contains(key)) {
                throw new ConfigException(file, number, GLOBALS.contains(key)
                        ? key + "= is a global directive and must start at column 0"
                        : "unknown directive " + key + "= in a virtual= block");
            }
            block.directive(number, key, value);
            return;
        }
        if (!GLOBALS.contains(key)) {
            throw new ConfigException(file, number, BLOCK.contains(key)
                    ? key + "=" + value + " belongs in a virtual= block and must be indented"
                    : "unknown directive " + key + "=");
        }
        endBlock();
        global(number, key, value);
    }

    /** Removes a {@code #} comment that is not inside double quotes. */
    private String stripComment(int number, String raw) throws ConfigException {
        boolean quoted = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted) {
                return raw.substring(0, i);
            }
        }
        if (quoted) {
            throw new ConfigException(file, number, "unterminated double quote in '" + raw.strip() + "'");
        }
        return raw;
    }

    private void global(int number, String key, String value) throws ConfigException {
        if (!key.equals("execute")) {
            once(globalLines, number, key, "");
        }
        String v = unquote(number, key, value);
        switch (key) {
            case "checktimeout" -> checktimeout = seconds(number, key, v);
            case "negotiatetimeout" -> negotiatetimeout = seconds(number, key, v);
            case "connecttimeout" -> connecttimeout = seconds(number, key, v);
            case "checkinterval" -> checkinterval = seconds(number, key, v);
            case "failurecount" -> failurecount = positive(number, key, v);
            case "fallback" -> fallback = fallback(number, v, 0);
            case "autoreload" -> autoreload = yesNo(number, key, v);
            case "callback" -> callback = nonEmpty(number, key, v);
            case "logfile" -> logfile = nonEmpty(number, key, v);
            case "emailalert" -> emailalert = nonEmpty(number, key, v);
            case "emailalertfreq" -> emailalertfreq = Duration.ofSeconds(nonNegative(number, key, v));
            case "emailalertstatus" -> emailalertstatus = nonEmpty(number, key, v);
            case "emailalertfrom" -> emailalertfrom = nonEmpty(number, key, v);
            case "quiescent" -> quiescent = yesNo(number, key, v);
            case "cleanstop" -> cleanstop = yesNo(number, key, v);
            case "maintenancedir" -> maintenancedir = nonEmpty(number, key, v);
            case "fork" -> fork = yesNo(number, key, v);
            case "supervised" -> supervised = yesNo(number, key, v);
            case "smtp" -> smtp = nonEmpty(number, key, v);
            case "execute" -> execute.add(nonEmpty(number, key, v));
            default -> throw new IllegalStateException(key);
        }
    }

    private void endBlock() throws ConfigException {
        if (block == null) {
            return;
        }
        VirtualServiceSpec service = block.build();
        String written = block.written;
        block = null;
        String id = service.fwmark() != 0
                ? service.fwmark() + "/" + service.protocol()
                : hostPort(service.vip(), service.port()) + "/" + service.protocol();
        Integer first = serviceLines.putIfAbsent(id, service.line());
        if (first != null) {
            throw new ConfigException(file, service.line(), "virtual=" + written + " (" + service.protocol()
                    + ") is already defined on line " + first);
        }
        services.add(service);
    }

    /** One virtual= block while it is being read. */
    private final class Block {
        private final int line;
        /** The value of virtual= as written, for messages. */
        private final String written;
        private final InetAddress vip;
        private final int port;
        private final int fwmark;
        private final Map<String, Integer> seen = new HashMap<>();
        private final List<RealServerSpec> reals = new ArrayList<>();
        private final Map<String, String> other = new LinkedHashMap<>();
        private String protocol;
        private int protocolLine;
        private String scheduler = "wrr";
        private Duration persistent = Duration.ZERO;
        private Integer netmaskPrefix;
        private Boolean quiescent;
        private RealServerSpec fallback;
        private String checktype;
        private String service;
        private String request;
        private String receive;
        private String virtualhost;
        private Integer checkport;
        private Duration checktimeout;
        private Duration negotiatetimeout;
        private Duration checkinterval;
        private Integer failurecount;

        Block(int line, String value) throws ConfigException {
            this.line = line;
            this.written = value;
            if (value.contains("->")) {
                throw new ConfigException(file, line, "virtual=" + value + ": address ranges are not supported");
            }
            if (NUMBER.matcher(value).matches()) {
                long mark = Long.parseLong(value);
                if (mark < 1 || mark > 0xFFFFFFFFL) {
                    throw new ConfigException(file, line, "virtual=" + value
                            + " firewall mark must be 1..4294967295");
                }
                vip = null;
                port = 0;
                fwmark = (int) mark;
            } else {
                HostPort hp = hostPort(line, "virtual", value, true);
                vip = hp.address();
                port = hp.port();
                fwmark = 0;
            }
        }

        void directive(int number, String key, String value) throws ConfigException {
            if (!key.equals("real")) {
                once(seen, number, key, " in this virtual= block");
            }
            if (key.equals("real")) {
                RealServerSpec real = real(number, value);
                for (RealServerSpec other : reals) {
                    if (other.address().equals(real.address()) && other.port() == real.port()) {
                        throw new ConfigException(file, number, "real=" + value.split("\\s+")[0]
                                + " is already listed on line " + other.line());
                    }
                }
                reals.add(real);
                return;
            }
            if (key.equals("fallback")) {
                fallback = fallback(number, value, port);
                return;
            }
            String v = unquote(number, key, value);
            switch (key) {
                case "scheduler" -> scheduler = scheduler(number, v);
                case "protocol" -> {
                    protocol = oneOf(number, key, v, PROTOCOLS);
                    protocolLine = number;
                }
                case "persistent" -> persistent = Duration.ofSeconds(nonNegative(number, key, v));
                case "netmask" -> netmaskPrefix = netmask(number, v);
                case "quiescent" -> quiescent = yesNo(number, key, v);
                case "checktype" -> checktype = checktype(number, v);
                case "service" -> service = oneOf(number, key, v, SERVICES);
                case "request" -> request = v;
                case "receive" -> receive = v;
                case "virtualhost" -> virtualhost = nonEmpty(number, key, v);
                case "checkport" -> checkport = port(number, key + "=" + v, v);
                case "checktimeout" -> checktimeout = seconds(number, key, v);
                case "negotiatetimeout" -> negotiatetimeout = seconds(number, key, v);
                case "checkinterval" -> checkinterval = seconds(number, key, v);
                case "failurecount" -> failurecount = positive(number, key, v);
                case "httpmethod" -> other.put(key, oneOf(number, key, v, HTTP_METHODS));
                case "cleanstop", "ops" -> other.put(key, yesNo(number, key, v) ? "yes" : "no");
                case "rise", "fall" -> other.put(key, String.valueOf(positive(number, key, v)));
                case "httpstatus" -> other.put(key, String.valueOf(httpStatus(number, v)));
                case "verifycert" -> other.put(key, yesNo(number, key, v) ? "yes" : "no");
                default -> {
                    if (!OTHER_CHECK.contains(key)) {
                        throw new IllegalStateException(key);
                    }
                    other.put(key, v);
                }
            }
        }

        private RealServerSpec real(int number, String value) throws ConfigException {
            Matcher m = REAL.matcher(value);
            if (!m.matches()) {
                throw new ConfigException(file, number, "real=" + value
                        + " must be real=ADDRESS[:PORT] gate|masq|ipip [WEIGHT] [\"REQUEST\", \"RECEIVE\"]");
            }
            if (m.group(1).contains("->")) {
                throw new ConfigException(file, number, "real=" + m.group(1)
                        + ": address ranges (IP->IP) are not supported; list each real server");
            }
            HostPort hp = hostPort(number, "real", m.group(1), false);
            String method = m.group(2);
            if (method == null) {
                throw new ConfigException(file, number, "real=" + value + " names no forwarding method; use "
                        + String.join("|", METHODS));
            }
            checkMethod(number, "real", method);
            int weight = 1;
            if (m.group(3) != null) {
                weight = bounded(number, "real", "weight", m.group(3), 0, 65535);
            }
            int realPort = hp.port() != 0 ? hp.port() : port;
            checkFamily(number, "real", hp.address());
            return new RealServerSpec(hp.address(), realPort, method, weight, m.group(4), m.group(5), number);
        }

        private void checkFamily(int number, String key, InetAddress address) throws ConfigException {
            if (vip != null && (vip instanceof Inet6Address) != (address instanceof Inet6Address)) {
                throw new ConfigException(file, number, key + "=" + address.getHostAddress()
                        + " is not the same address family as virtual=" + written);
            }
        }

        private int netmask(int number, String v) throws ConfigException {
            if (NUMBER.matcher(v).matches()) {
                return bounded(number, "netmask", "prefix", v, 0, vip instanceof Inet6Address ? 128 : 32);
            }
            Inet4Address mask = AddressLiterals.parseIPv4(v);
            if (mask == null || vip instanceof Inet6Address) {
                throw new ConfigException(file, number, "netmask=" + v + " must be a prefix length"
                        + (vip instanceof Inet6Address ? " for an IPv6 virtual" : " or a dotted mask like 255.255.255.0"));
            }
            byte[] b = mask.getAddress();
            int bits = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            int prefix = Integer.bitCount(bits);
            if (bits != (prefix == 0 ? 0 : -1 << (32 - prefix))) {
                throw new ConfigException(file, number, "netmask=" + v + " is not a contiguous netmask");
            }
            return prefix;
        }

        VirtualServiceSpec build() throws ConfigException {
            String proto = protocol;
            if (fwmark != 0) {
                if (proto != null && !proto.equals("fwm")) {
                    throw new ConfigException(file, protocolLine, "protocol=" + proto
                            + " does not fit virtual=" + fwmark + ", a firewall mark service (use protocol=fwm)");
                }
                proto = "fwm";
            } else {
                if ("fwm".equals(proto)) {
                    throw new ConfigException(file, protocolLine,
                            "protocol=fwm needs a firewall mark virtual= (a number), not an address and port");
                }
                if (proto == null) {
                    proto = "tcp";
                }
            }
            if (fallback != null) {
                checkFamily(fallback.line(), "fallback", fallback.address());
            }
            int prefix = netmaskPrefix != null ? netmaskPrefix : vip instanceof Inet6Address ? 128 : 32;
            CheckSpec check = new CheckSpec(checktype, service, request, receive, virtualhost, checkport,
                    checktimeout, negotiatetimeout, checkinterval, failurecount, other);
            return new VirtualServiceSpec(vip, port, fwmark, proto, scheduler, persistent, prefix, quiescent,
                    fallback, check, reals, line);
        }
    }

    private record HostPort(InetAddress address, int port) {
    }

    /**
     * {@code a.b.c.d[:port]} or {@code [v6][:port]}; port 0 when absent and not required.
     */
    private HostPort hostPort(int number, String key, String text, boolean portRequired) throws ConfigException {
        String host;
        String portText = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new ConfigException(file, number, key + "=" + text + " has no closing ']'");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new ConfigException(file, number, key + "=" + text + " must be [IPv6]:PORT");
                }
                portText = rest.substring(1);
            }
            if (AddressLiterals.parseIPv6(host) == null) {
                throw new ConfigException(file, number, key + "=" + text + ": " + host + " is not an IPv6 address");
            }
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                throw new ConfigException(file, number, key + "=" + text
                        + ": write an IPv6 address in brackets, e.g. [2001:db8::1]:80");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            portText = colon < 0 ? null : text.substring(colon + 1);
            if (AddressLiterals.parseIPv4(host) == null) {
                throw new ConfigException(file, number, key + "=" + text + ": " + host
                        + " is not an IPv4 address (host names are not resolved)");
            }
        }
        InetAddress address = AddressLiterals.parse(host);
        if (portText == null) {
            if (portRequired) {
                throw new ConfigException(file, number, key + "=" + text + " needs a port: ADDRESS:PORT");
            }
            return new HostPort(address, 0);
        }
        return new HostPort(address, port(number, key + "=" + text, portText));
    }

    private RealServerSpec fallback(int number, String value, int defaultPort) throws ConfigException {
        Matcher m = FALLBACK.matcher(value);
        if (!m.matches()) {
            throw new ConfigException(file, number, "fallback=" + value + " must be fallback=ADDRESS[:PORT] [gate|masq|ipip]");
        }
        if (m.group(1).contains("->")) {
            throw new ConfigException(file, number, "fallback=" + m.group(1) + ": address ranges are not supported");
        }
        HostPort hp = hostPort(number, "fallback", m.group(1), false);
        String method = m.group(2) == null ? "gate" : m.group(2);
        checkMethod(number, "fallback", method);
        int p = hp.port() != 0 ? hp.port() : defaultPort;
        return new RealServerSpec(hp.address(), p, method, 1, null, null, number);
    }

    private void checkMethod(int number, String key, String method) throws ConfigException {
        if (!METHODS.contains(method)) {
            throw new ConfigException(file, number, key + "= forwarding method '" + method
                    + "' is not one of gate, masq, ipip");
        }
    }

    private String scheduler(int number, String v) throws ConfigException {
        if (UNSUPPORTED_SCHEDULERS.contains(v)) {
            throw new ConfigException(file, number, "scheduler=" + v + " is not supported yet");
        }
        if (!SCHEDULERS.contains(v)) {
            throw new ConfigException(file, number, "scheduler=" + v + " is not one of "
                    + String.join(", ", SCHEDULER_LIST));
        }
        return v;
    }

    private String checktype(int number, String v) throws ConfigException {
        if (CHECKTYPES.contains(v)) {
            return v;
        }
        if (NUMBER.matcher(v).matches()) {
            positive(number, "checktype", v);
            return v;
        }
        throw new ConfigException(file, number, "checktype=" + v
                + " is not one of connect, negotiate, ping, external, on, off or a number of connect checks");
    }

    private void once(Map<String, Integer> seen, int number, String key, String where) throws ConfigException {
        Integer first = seen.putIfAbsent(key, number);
        if (first != null) {
            throw new ConfigException(file, number, key + "= is already set on line " + first + where);
        }
    }

    private String unquote(int number, String key, String value) throws ConfigException {
        if (value.startsWith("\"")) {
            if (value.length() < 2 || !value.endsWith("\"") || value.indexOf('"', 1) != value.length() - 1) {
                throw new ConfigException(file, number, key + "=" + value
                        + ": a quoted value must be one \"...\" string");
            }
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private String nonEmpty(int number, String key, String v) throws ConfigException {
        if (v.isEmpty()) {
            throw new ConfigException(file, number, key + "= needs a value");
        }
        return v;
    }

    private String oneOf(int number, String key, String v, List<String> allowed) throws ConfigException {
        if (!allowed.contains(v)) {
            throw new ConfigException(file, number, key + "=" + v + " is not one of " + String.join(", ", allowed));
        }
        return v;
    }

    private boolean yesNo(int number, String key, String v) throws ConfigException {
        return oneOf(number, key, v, List.of("yes", "no")).equals("yes");
    }

    /** Port {@code v}, written as part of {@code directive} (as quoted in the message). */
    private int port(int number, String directive, String v) throws ConfigException {
        if (!NUMBER.matcher(v).matches()) {
            throw new ConfigException(file, number, directive
                    + ": port must be a number 1..65535 (service names are not supported)");
        }
        long p = Long.parseLong(v);
        if (p < 1 || p > 65535) {
            throw new ConfigException(file, number, directive + ": port must be 1..65535");
        }
        return (int) p;
    }

    private int bounded(int number, String key, String what, String v, int min, int max) throws ConfigException {
        if (!NUMBER.matcher(v).matches() || Long.parseLong(v) < min || Long.parseLong(v) > max) {
            throw new ConfigException(file, number, key + "= " + what + " " + v + " must be " + min + ".." + max);
        }
        return Integer.parseInt(v);
    }

    private int nonNegative(int number, String key, String v) throws ConfigException {
        if (!NUMBER.matcher(v).matches() || Long.parseLong(v) > Integer.MAX_VALUE) {
            throw new ConfigException(file, number, key + "=" + v + " must be a whole number of seconds >= 0");
        }
        return Integer.parseInt(v);
    }

    private int positive(int number, String key, String v) throws ConfigException {
        if (!NUMBER.matcher(v).matches() || Long.parseLong(v) < 1 || Long.parseLong(v) > Integer.MAX_VALUE) {
            throw new ConfigException(file, number, key + "=" + v + " must be a whole number >= 1");
        }
        return Integer.parseInt(v);
    }

    private int httpStatus(int number, String v) throws ConfigException {
        if (!NUMBER.matcher(v).matches() || Long.parseLong(v) < 100 || Long.parseLong(v) > 599) {
            throw new ConfigException(file, number, "httpstatus=" + v + " must be an HTTP status code 100..599");
        }
        return Integer.parseInt(v);
    }

    private Duration seconds(int number, String key, String v) throws ConfigException {
        if (!NUMBER.matcher(v).matches() || Long.parseLong(v) < 1 || Long.parseLong(v) > 86400) {
            throw new ConfigException(file, number, key + "=" + v + " must be whole seconds 1..86400");
        }
        return Duration.ofSeconds(Long.parseLong(v));
    }

    private static String hostPort(InetAddress address, int port) {
        return address instanceof Inet6Address
                ? "[" + address.getHostAddress() + "]:" + port
                : address.getHostAddress() + ":" + port;
    }
}
