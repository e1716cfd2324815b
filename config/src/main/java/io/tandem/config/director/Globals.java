package io.tandem.config.director;

import java.time.Duration;
import java.util.List;

/**
 * The global directives of director.cf (those at column 0 outside any {@code virtual=} block).
 * Durations are whole seconds, as ldirectord writes them. Unset values take ldirectord's
 * defaults as listed in {@link #DEFAULTS}; {@code connecttimeout}, {@code fallback} and the raw
 * strings are null when unset.
 *
 * @param fallback       global fallback server; port 0 means "the virtual service's port"
 * @param emailalertfreq {@link Duration#ZERO} means "only alert on state changes"
 * @param execute        the {@code execute=} lines in order (each names another config file)
 */
public record Globals(Duration checktimeout, Duration negotiatetimeout, Duration connecttimeout,
        Duration checkinterval, int failurecount, RealServerSpec fallback, boolean autoreload, String callback,
        String logfile, String emailalert, Duration emailalertfreq, String emailalertstatus,
        String emailalertfrom, boolean quiescent, boolean cleanstop, String maintenancedir, boolean fork,
        boolean supervised, String smtp, List<String> execute) {

    /** What a director.cf without global directives means. */
    public static final Globals DEFAULTS = new Globals(Duration.ofSeconds(5), Duration.ofSeconds(30), null,
            Duration.ofSeconds(10), 1, null, false, null, null, null, Duration.ZERO, null, null, true, true, null,
            false, false, null, List.of());

    public Globals {
        execute = List.copyOf(execute);
    }
}
