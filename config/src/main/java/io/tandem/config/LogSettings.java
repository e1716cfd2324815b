package io.tandem.config;

import java.nio.file.Path;

/**
 * Heartbeat's logging directives of ha.cf: where tandemd's log lines go besides (or instead of)
 * standard output.
 *
 * @param facility   {@code logfacility}: lines go to the local syslog socket with this facility,
 *                   and no longer to standard output; null when absent or {@code logfacility none}
 * @param logfile    {@code logfile PATH}: lines at INFO and above are appended there; null: none
 * @param debugfile  {@code debugfile PATH}: lines at DEBUG and above are appended there; null: none
 * @param debugLevel {@code debug N}, 0..255, default 0; above 0 DEBUG lines go to every destination
 */
public record LogSettings(SyslogFacility facility, Path logfile, Path debugfile, int debugLevel) {
    /** Standard output only, INFO and above: what tandemd does when ha.cf says nothing. */
    public static final LogSettings DEFAULT = new LogSettings(null, null, null, 0);

    /** Whether any line at DEBUG is written anywhere (so DEBUG logging must be on). */
    public boolean anyDebug() {
        return debugLevel > 0 || debugfile != null;
    }
}
