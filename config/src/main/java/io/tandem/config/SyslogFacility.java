package io.tandem.config;

import java.util.Locale;

/**
 * The syslog facilities {@code logfacility} accepts, with their codes from {@code <syslog.h>}
 * (RFC 5424 section 6.2.1): the names Heartbeat took from {@code facilitynames}.
 */
public enum SyslogFacility {
    KERN(0), USER(1), MAIL(2), DAEMON(3), AUTH(4), SYSLOG(5), LPR(6), NEWS(7), UUCP(8), CRON(9), AUTHPRIV(10),
    FTP(11), LOCAL0(16), LOCAL1(17), LOCAL2(18), LOCAL3(19), LOCAL4(20), LOCAL5(21), LOCAL6(22), LOCAL7(23);

    private final int code;

    SyslogFacility(int code) {
        this.code = code;
    }

    /** The facility number; a message's priority is {@code code * 8 + severity}. */
    public int code() {
        return code;
    }

    /** The name as ha.cf writes it, e.g. {@code local0}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The facility called {@code name} (any case), or null if there is none. */
    static SyslogFacility byName(String name) {
        for (SyslogFacility f : values()) {
            if (f.label().equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        return null;
    }
}
