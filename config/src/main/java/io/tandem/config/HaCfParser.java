package io.tandem.config;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Parses ha.cf, one {@code directive value...} per line. Each directive's own value is checked
 * here; defaults and checks between values are {@link HaCfSettings#conclude}'s job.
 *
 * <p>Heartbeat directives fall in three sets: those Tandem implements, those that are harmless
 * to skip (logging, compression, ...) which load with a warning, and those that would change
 * behaviour (IPv6 media, serial links, STONITH, CRM) which are refused, as is anything
 * unknown.
 */
final class HaCfParser {
    private static final Set<String> IGNORED = Set.of(
            "use_logd", "conn_logd_time",
            "syslogmsgfmt", "log_badpack", "respawn", "apiauth", "compression",
            "compression_threshold", "traditional_compression", "msgfmt", "baud", "serial",
            "realtime", "rtprio", "coredumps", "uuidfrom", "hopfudge", "deadping", "memreserve",
            "hbgenmethod");
    private static final Set<String> UNSUPPORTED = Set.of(
            "mcast6", "ucast6", "stonith", "stonith_host",
            "watchdog", "nice_failback", "autojoin", "gshutdown");
    private static final Set<String> CRM_OFF = Set.of("no", "off", "false");
    private static final Set<String> TRUE_WORDS = Set.of("on", "true", "yes");
    private static final Set<String> FALSE_WORDS = Set.of("off", "false", "no");

    private final Path file;
    private final Predicate<InetAddress> isLocalAddress;
    private final List<String> warnings;
    private final HaCfSettings settings;

    private HaCfParser(Path file, Predicate<InetAddress> isLocalAddress, List<String> warnings) {
        this.file = file;
        this.isLocalAddress = isLocalAddress;
        this.warnings = warnings;
        this.settings = new HaCfSettings(file);
    }

    /** Reads the lines of ha.cf; warnings about skipped directives are appended to {@code warnings}. */
    static HaCfSettings parse(Path file, List<ConfigLine> lines, Predicate<InetAddress> isLocalAddress,
            List<String> warnings) throws ConfigException {
        HaCfParser parser = new HaCfParser(file, isLocalAddress, warnings);
        for (ConfigLine line : lines) {
            parser.onLine(line);
        }
        return parser.settings;
    }

    private void onLine(ConfigLine line) throws ConfigException {
        String directive = line.directive();
        int n = line.number();
        switch (directive) {
            case "node" -> onNode(line);
            case "ucast" -> onUcast(line);
            case "bcast" -> onBcast(line);
            case "mcast" -> onMcast(line);
            case "ping" -> onPing(line);
            case "ping_group" -> onPingGroup(line);
            case "fence_command", "notify_command" -> onCommand(line);
            case "keepalive", "warntime", "deadtime", "initdead", "garp_interval", "ping_interval", "auto_failback_delay" ->
                    settings.set(directive, Durations.parse(file, n, directive, onlyArg(line, "TIME")), n);
            case "udpport" -> settings.set(directive, intArg(line, "PORT", 1, 65535), n);
            case "garp_count" -> settings.set(directive, intArg(line, "COUNT", 1, 100), n);
            case "auto_failback" -> settings.set(directive, onOff(line), n);
            case "cluster" -> settings.set(directive, onlyArg(line, "NAME"), n);
            case "crm", "pacemaker" -> onCrm(line);
            case "logfacility" -> settings.set(directive, facility(line), n);
            case "logfile", "debugfile" -> settings.set(directive, absolutePath(line), n);
            case "debug" -> settings.set(directive, intArg(line, "LEVEL", 0, 255), n);
            case "metrics_address" -> settings.set(directive, metricsAddress(line), n);
            default -> onOther(line);
        }
    }

    /** {@code logfacility NAME}: a syslog facility, or {@code none} (null) for no syslog. */
    private SyslogFacility facility(ConfigLine line) throws ConfigException {
        String name = onlyArg(line, "FACILITY");
        if (name.equalsIgnoreCase("none")) {
            return null;
        }
        SyslogFacility facility = SyslogFacility.byName(name);
        if (facility == null) {
            throw new ConfigException(file, line.number(), "logfacility=" + name + " is not a syslog facility; use one of "
                    + java.util.Arrays.stream(SyslogFacility.values()).map(SyslogFacility::label).toList()
                    + " or none");
        }
        return facility;
    }

    private Path absolutePath(ConfigLine line) throws ConfigException {
        String text = onlyArg(line, "PATH");
        Path path;
        try {
            path = Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(file, line.number(), line.directive() + "=" + text + " is not a file path");
        }
        if (!path.isAbsolute()) {
            throw new ConfigException(file, line.number(), line.directive() + "=" + text + " must be an absolute path");
        }
        return path;
    }

    /**
     * {@code metrics_address IP:PORT} ({@code [IPv6]:PORT}): the metrics listener must stay on this
     * host, so only a loopback address or one of this node's own addresses will do, never the
     * wildcard.
     */
    private java.net.InetSocketAddress metricsAddress(ConfigLine line) throws ConfigException {
        String text = onlyArg(line, "IP:PORT");
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? text : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new ConfigException(file, line.number(), "metrics_address=" + text
                    + " must be IP:PORT; write an IPv6 address in brackets, e.g. [::1]:9694");
        }
        if (colon < 0) {
            throw new ConfigException(file, line.number(), "metrics_address=" + text + " has no port; write IP:PORT,"
                    + " e.g. 127.0.0.1:9694");
        }
        InetAddress address = AddressLiterals.parse(host);
        if (address == null) {
            throw new ConfigException(file, line.number(), "metrics_address=" + text
                    + " is not an IP address literal with a port (Tandem does no DNS lookups)");
        }
        int port = intValue(line, "metrics_address port", text.substring(colon + 1), 1, 65535);
        if (address.isAnyLocalAddress()) {
            throw new ConfigException(file, line.number(), "metrics_address=" + text
                    + " would listen on every address; name a loopback or local address, e.g. 127.0.0.1:" + port);
        }
        if (!address.isLoopbackAddress() && !isLocalAddress.test(address)) {
            throw new ConfigException(file, line.number(), "metrics_address=" + text
                    + " must be a loopback address or an address of this node");
        }
        return new java.net.InetSocketAddress(address, port);
    }

    private void onPing(ConfigLine line) throws ConfigException {
        if (line.args().isEmpty()) {
            throw new ConfigException(file, line.number(), "directive 'ping' needs at least 1 argument (ping IP...)");
        }
        for (String ip : line.args()) {
            settings.addPingGroup(new FailoverPolicy.PingGroup(ip, List.of(pingAddress(line, ip)), line.number()));
        }
    }

    private void onPingGroup(ConfigLine line) throws ConfigException {
        if (line.args().size() < 2) {
            throw new ConfigException(file, line.number(),
                    "directive 'ping_group' needs at least 2 arguments (ping_group NAME IP...)");
        }
        List<InetAddress> addresses = new java.util.ArrayList<>();
        for (String ip : line.args().subList(1, line.args().size())) {
            addresses.add(pingAddress(line, ip));
        }
        settings.addPingGroup(new FailoverPolicy.PingGroup(line.args().get(0), addresses, line.number()));
    }

    private InetAddress pingAddress(ConfigLine line, String ip) throws ConfigException {
        InetAddress address = AddressLiterals.parse(ip);
        if (address == null) {
            throw new ConfigException(file, line.number(),
                    line.directive() + " ip=" + ip + " is not an IP address literal (Tandem does no DNS lookups)");
        }
        return address;
    }

    /** {@code fence_command} / {@code notify_command}: an absolute path and its arguments. */
    private void onCommand(ConfigLine line) throws ConfigException {
        if (line.args().isEmpty() || !line.args().get(0).startsWith("/")) {
            throw new ConfigException(file, line.number(), "directive '" + line.directive()
                    + "' needs an absolute command path and optional arguments (" + line.directive() + " /path/to/cmd ARG...)");
        }
        settings.set(line.directive(), List.copyOf(line.args()), line.number());
    }

    private void onNode(ConfigLine line) throws ConfigException {
        if (line.args().isEmpty()) {
            throw new ConfigException(file, line.number(),
                    "directive 'node' needs at least 1 argument (node NAME...)");
        }
        for (String name : line.args()) {
            settings.addNode(name, line.number());
        }
    }

    private void onUcast(ConfigLine line) throws ConfigException {
        expectArgs(line, 2, "ucast DEV IP");
        String device = line.args().get(0);
        String ip = line.args().get(1);
        if (!AddressLiterals.isInterfaceName(device)) {
            throw new ConfigException(file, line.number(), "ucast device=" + device + " is not an interface name");
        }
        InetAddress peer = AddressLiterals.parse(ip);
        if (peer == null) {
            throw new ConfigException(file, line.number(),
                    "ucast ip=" + ip + " is not an IP address literal (Tandem does no DNS lookups)");
        }
        // Heartbeat skips its own address so that both nodes can share one ha.cf.
        UcastMedium medium = isLocalAddress.test(peer) ? null : new UcastMedium(device, peer, line.number());
        settings.addUcast(medium, line.number());
    }

    private void onBcast(ConfigLine line) throws ConfigException {
        if (line.args().isEmpty()) {
            throw new ConfigException(file, line.number(),
                    "directive 'bcast' needs at least 1 argument (bcast DEV [DEV...])");
        }
        for (String device : line.args()) {
            checkDevice(line, "bcast", device);
            settings.addMedium(new BcastMedium(device, line.number()));
        }
    }

    private void onMcast(ConfigLine line) throws ConfigException {
        expectArgs(line, 5, "mcast DEV GROUP PORT TTL LOOP");
        List<String> args = line.args();
        String device = args.get(0);
        checkDevice(line, "mcast", device);
        String groupText = args.get(1);
        InetAddress group = AddressLiterals.parse(groupText);
        if (group == null) {
            throw new ConfigException(file, line.number(),
                    "mcast group=" + groupText + " is not an IP address literal (Tandem does no DNS lookups)");
        }
        if (!(group instanceof Inet4Address) || !group.isMulticastAddress()) {
            String why = group instanceof Inet4Address ? "" : "; IPv6 multicast (mcast6) is not supported";
            throw new ConfigException(file, line.number(),
                    "mcast group=" + groupText + " must be an IPv4 multicast address (224.0.0.0/4)" + why);
        }
        int port = intValue(line, "mcast port", args.get(2), 1, 65535);
        int ttl = intValue(line, "mcast ttl", args.get(3), 1, 255);
        String loop = args.get(4);
        if (!loop.equals("0") && !loop.equals("1")) {
            throw new ConfigException(file, line.number(), "mcast loop=" + loop + " must be 0 or 1");
        }
        settings.addMedium(new McastMedium(device, group, port, ttl, loop.equals("1"), line.number()));
    }

    /** bcast and mcast bind a socket to the device, so an alias label (eth0:1) will not do. */
    private void checkDevice(ConfigLine line, String directive, String device) throws ConfigException {
        if (!AddressLiterals.isInterfaceName(device)) {
            throw new ConfigException(file, line.number(),
                    directive + " device=" + device + " is not an interface name");
        }
        if (device.indexOf(':') >= 0) {
            throw new ConfigException(file, line.number(), directive + " device=" + device
                    + " is an alias label, not a device; name the device itself ("
                    + device.substring(0, device.indexOf(':')) + ")");
        }
    }

    private void onCrm(ConfigLine line) throws ConfigException {
        String value = onlyArg(line, "no");
        if (!CRM_OFF.contains(value.toLowerCase(Locale.ROOT))) {
            String directive = line.directive();
            throw new ConfigException(file, line.number(), "directive '" + directive + " " + value
                    + "' is not supported yet; Tandem runs haresources groups only, so set " + directive + " no");
        }
        warnIgnored(line);
    }

    private void onOther(ConfigLine line) throws ConfigException {
        String directive = line.directive();
        if (IGNORED.contains(directive)) {
            warnIgnored(line);
        } else if (UNSUPPORTED.contains(directive)) {
            throw new ConfigException(file, line.number(), "directive '" + directive + "' is not supported yet");
        } else {
            throw new ConfigException(file, line.number(), "unknown directive '" + directive + "'");
        }
    }

    private void warnIgnored(ConfigLine line) {
        warnings.add(ConfigText.warning(file, line.number(),
                "directive '" + line.directive() + "' is not used by Tandem yet; ignored"));
    }

    private boolean onOff(ConfigLine line) throws ConfigException {
        String value = onlyArg(line, "on|off");
        String word = value.toLowerCase(Locale.ROOT);
        if (TRUE_WORDS.contains(word)) {
            return true;
        }
        if (FALSE_WORDS.contains(word)) {
            return false;
        }
        throw new ConfigException(file, line.number(), line.directive() + "=" + value + " must be on or off");
    }

    private int intArg(ConfigLine line, String placeholder, int min, int max) throws ConfigException {
        return intValue(line, line.directive(), onlyArg(line, placeholder), min, max);
    }

    private int intValue(ConfigLine line, String key, String value, int min, int max) throws ConfigException {
        if (!value.matches("-?[0-9]+")) {
            throw new ConfigException(file, line.number(), key + "=" + value + " is not a whole number");
        }
        BigInteger number = new BigInteger(value);
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new ConfigException(file, line.number(), key + "=" + value + " must be in " + min + ".." + max);
        }
        return number.intValueExact();
    }

    private String onlyArg(ConfigLine line, String placeholder) throws ConfigException {
        expectArgs(line, 1, line.directive() + " " + placeholder);
        return line.args().get(0);
    }

    private void expectArgs(ConfigLine line, int count, String usage) throws ConfigException {
        int actual = line.args().size();
        if (actual != count) {
            throw new ConfigException(file, line.number(), "directive '" + line.directive() + "' takes " + count
                    + (count == 1 ? " argument" : " arguments") + " (" + usage + "), got " + actual);
        }
    }
}
