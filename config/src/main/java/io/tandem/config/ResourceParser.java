package io.tandem.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses one resource word of haresources:
 *
 * <pre>
 *   IPaddr::ADDR[/PREFIX[/DEV[/BROADCAST]]]    IPv4, prefix defaults to 32
 *   IPaddr2::ADDR[/PREFIX[/DEV[/BROADCAST]]]   the same, for the IPaddr2 agent
 *   IPv6addr::ADDR[/PREFIX[/DEV]]              IPv6, prefix defaults to 128
 *   198.51.100.10[/PREFIX[/DEV[/BROADCAST]]]   Heartbeat's shorthand for IPaddr
 *   NAME[::ARG[::ARG...]]                      anything else, e.g. ldirectord::director.cf
 * </pre>
 *
 * Only the first {@code ::} splits off the name of an address resource, because an IPv6
 * address contains {@code ::} itself.
 */
final class ResourceParser {
    static final String IPADDR = "IPaddr";
    static final String IPADDR2 = "IPaddr2";
    static final String IPV6ADDR = "IPv6addr";
    private static final String SEPARATOR = "::";
    /** A script name: no slash, so it cannot point outside the resource directories. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+@-]*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,3}");

    private final Path file;
    private final int line;
    private final List<String> warnings;

    ResourceParser(Path file, int line, List<String> warnings) {
        this.file = file;
        this.line = line;
        this.warnings = warnings;
    }

    ResourceSpec parse(String text) throws ConfigException {
        String firstPart = text.split("/", 2)[0];
        if (AddressLiterals.looksLikeIPv4(firstPart)) {
            return vip(IPADDR, text, text);
        }
        if (AddressLiterals.parseIPv6(firstPart) != null) {
            throw error("resource " + text + " is a bare IPv6 address; write " + IPV6ADDR + "::" + text);
        }
        int separator = text.indexOf(SEPARATOR);
        String name = separator < 0 ? text : text.substring(0, separator);
        switch (name) {
            case IPADDR, IPADDR2, IPV6ADDR -> {
                if (separator < 0) {
                    throw error("resource " + name + " needs an address: " + name + "::ADDR[/PREFIX[/DEV]]");
                }
                return vip(name, text.substring(separator + SEPARATOR.length()), text);
            }
            default -> {
                List<String> args = separator < 0 ? List.of() : split(text.substring(separator + SEPARATOR.length()));
                return named(name, args, text);
            }
        }
    }

    private VipSpec vip(String kind, String spec, String text) throws ConfigException {
        boolean v6 = kind.equals(IPV6ADDR);
        int maxParts = v6 ? 3 : 4;
        String form = kind + (v6 ? "::ADDR[/PREFIX[/DEV]]" : "::ADDR[/PREFIX[/DEV[/BROADCAST]]]");
        String[] parts = spec.split("/", -1);
        if (parts.length > maxParts) {
            throw error("resource " + text + " has too many '/' parts; the form is " + form);
        }
        InetAddress address = address(kind, parts[0], v6, text);
        int maxPrefix = v6 ? 128 : 32;
        int prefix = parts.length > 1 ? prefix(parts[1], maxPrefix, text) : maxPrefix;
        String device = null;
        if (parts.length > 2) {
            device = parts[2];
            if (!AddressLiterals.isInterfaceName(device)) {
                throw error("resource " + text + ": device=" + device + " is not an interface name");
            }
        }
        if (parts.length > 3) {
            if (AddressLiterals.parseIPv4(parts[3]) == null) {
                throw error("resource " + text + ": broadcast=" + parts[3] + " is not an IPv4 address");
            }
            warnings.add(ConfigText.warning(file, line, "broadcast=" + parts[3] + " of " + text
                    + " is not used by Tandem; the broadcast address follows from the prefix"));
        }
        return new VipSpec(kind, address, prefix, device, text);
    }

    private InetAddress address(String kind, String literal, boolean v6, String text) throws ConfigException {
        InetAddress address = v6 ? AddressLiterals.parseIPv6(literal) : AddressLiterals.parseIPv4(literal);
        if (address == null) {
            InetAddress other = v6 ? AddressLiterals.parseIPv4(literal) : AddressLiterals.parseIPv6(literal);
            if (other != null) {
                String hint = other instanceof Inet4Address ? IPADDR2 : IPV6ADDR;
                throw error("resource " + text + ": " + kind + " takes an IPv" + (v6 ? "6" : "4")
                        + " address; use " + hint + "::" + literal);
            }
            throw error("resource " + text + ": address=" + literal + " is not an IPv" + (v6 ? "6" : "4")
                    + " address literal (Tandem does no DNS lookups)");
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isMulticastAddress()) {
            throw error("resource " + text + ": address=" + literal + " is not a unicast host address");
        }
        return address;
    }

    private int prefix(String text, int max, String resource) throws ConfigException {
        int prefix = DIGITS.matcher(text).matches() ? Integer.parseInt(text) : -1;
        if (prefix < 1 || prefix > max) {
            throw error("resource " + resource + ": prefix=" + text + " must be a prefix length in 1.." + max
                    + " (24, not 255.255.255.0)");
        }
        return prefix;
    }

    private NamedResourceSpec named(String name, List<String> args, String text) throws ConfigException {
        if (!NAME.matcher(name).matches()) {
            throw error("resource name=" + name + " is not a script name (letters, digits and _ . + @ -)");
        }
        if (args.contains("")) {
            throw error("resource " + text + " has an empty argument; the form is NAME::ARG::ARG");
        }
        return new NamedResourceSpec(name, args, text);
    }

    private static List<String> split(String args) {
        return Arrays.asList(args.split(SEPARATOR, -1));
    }

    private ConfigException error(String problem) {
        return new ConfigException(file, line, problem);
    }
}
