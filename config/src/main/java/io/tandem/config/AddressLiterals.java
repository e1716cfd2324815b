package io.tandem.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Strict IP address literals. Host names are never resolved: config must not depend on DNS,
 * which is often the thing that is down when a director fails over.
 */
final class AddressLiterals {
    private static final Pattern IPV4_SHAPE = Pattern.compile("[0-9]+(\\.[0-9]+)+");
    private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
    /*
     * Hex digits, colons and dots only, never starting with a dot: for such text containing a
     * colon, InetAddress.getByName parses the literal or throws; it never falls back to DNS.
     */
    private static final Pattern IPV6_SHAPE = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
    /** Linux interface names: at most IFNAMSIZ - 1 = 15 bytes; a colon marks an alias label. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:-]{1,15}");

    private AddressLiterals() {
    }

    /** An IPv4 dotted quad without leading zeros, or null. */
    static Inet4Address parseIPv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!OCTET.matcher(parts[i]).matches()) {
                return null;
            }
            int value = Integer.parseInt(parts[i]);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** An IPv6 literal without zone id, or null; IPv4-mapped addresses are not IPv6 here. */
    static Inet6Address parseIPv6(String text) {
        if (!IPV6_SHAPE.matcher(text).matches() || text.indexOf(':') < 0) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            return address instanceof Inet6Address v6 ? v6 : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Either family, or null when {@code text} is not an address literal. */
    static InetAddress parse(String text) {
        Inet4Address v4 = parseIPv4(text);
        return v4 != null ? v4 : parseIPv6(text);
    }

    /** Digits and dots: meant as an IPv4 address even if it is not a valid one. */
    static boolean looksLikeIPv4(String text) {
        return IPV4_SHAPE.matcher(text).matches();
    }

    static boolean isInterfaceName(String name) {
        return INTERFACE.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }
}
