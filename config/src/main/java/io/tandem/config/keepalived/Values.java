package io.tandem.config.keepalived;

import io.tandem.config.ConfigException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Pattern;

/** keepalived.conf's value syntax: whole numbers, timers in (fractional) seconds, address literals. */
final class Values {
    private static final Pattern INTEGER = Pattern.compile("[0-9]{1,9}");
    private static final Pattern TIMER = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,6})?|\\.[0-9]{1,6}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private Values() {
    }

    /** The statement's only argument; an error naming the form when there is not exactly one. */
    static String onlyArg(KeepalivedNode n, String placeholder) throws ConfigException {
        if (n.args().size() != 1) {
            throw new ConfigException(n.file(), n.line(), n.keyword() + " takes one argument (" + n.keyword() + " "
                    + placeholder + "), got " + n.args().size());
        }
        return n.args().get(0);
    }

    static int integer(KeepalivedNode n, String text, int min, int max) throws ConfigException {
        if (!INTEGER.matcher(text).matches() || Long.parseLong(text) < min || Long.parseLong(text) > max) {
            throw new ConfigException(n.file(), n.line(), n.keyword() + "=" + text + " must be a whole number "
                    + min + ".." + max);
        }
        return Integer.parseInt(text);
    }

    /** A keepalived TIMER: seconds, maybe fractional ({@code 0.5}); rounded up to whole milliseconds. */
    static Duration timer(KeepalivedNode n, String text) throws ConfigException {
        if (!TIMER.matcher(text).matches()) {
            throw new ConfigException(n.file(), n.line(), n.keyword() + "=" + text + " is not a time in seconds");
        }
        BigDecimal millis = new BigDecimal(text).movePointRight(3).setScale(0, RoundingMode.CEILING);
        return Duration.ofMillis(millis.longValueExact());
    }

    /** A duration in whole seconds, rounded up, at least 1 (ldirectord's unit). */
    static long wholeSeconds(Duration d) {
        long s = (d.toMillis() + 999) / 1000;
        return Math.max(1, s);
    }

    /** ha.cf's spelling: {@code 2s} for whole seconds, else {@code 250ms}. */
    static String haCfTime(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** An IPv4 or IPv6 literal (never a DNS lookup), or null. */
    static InetAddress address(String text) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static InetAddress address(KeepalivedNode n, String what, String text) throws ConfigException {
        InetAddress a = address(text);
        if (a == null) {
            throw new ConfigException(n.file(), n.line(), what + "=" + text
                    + " is not an IP address literal (host names are not resolved)");
        }
        return a;
    }
}
