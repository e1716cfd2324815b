package io.tandem.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heartbeat's time values: {@code 200ms}, {@code 2s}, or a bare number of seconds, which may be
 * a decimal such as {@code 0.5}. Values must be a positive whole number of milliseconds, at most
 * one day.
 */
final class Durations {
    private static final Pattern TIME = Pattern.compile("(-?(?:\\d+(?:\\.\\d+)?|\\.\\d+))(ms|s)?");
    private static final BigDecimal MILLIS_PER_SECOND = BigDecimal.valueOf(1000);
    private static final long MAX_MILLIS = Duration.ofDays(1).toMillis();

    private Durations() {
    }

    /** Parses the value of directive {@code key} given on {@code line} of {@code file}. */
    static Duration parse(Path file, int line, String key, String text) throws ConfigException {
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(file, line, key + "=" + text
                    + " is not a time; write milliseconds (200ms), seconds (2s) or bare seconds (0.5)");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        BigDecimal millis = "ms".equals(m.group(2)) ? number : number.multiply(MILLIS_PER_SECOND);
        if (millis.signum() <= 0) {
            throw new ConfigException(file, line, key + "=" + text + " must be > 0");
        }
        if (millis.stripTrailingZeros().scale() > 0) {
            throw new ConfigException(file, line, key + "=" + text + " must be a whole number of milliseconds");
        }
        if (millis.compareTo(BigDecimal.valueOf(MAX_MILLIS)) > 0) {
            throw new ConfigException(file, line,
                    key + "=" + text + " must be at most " + format(Duration.ofMillis(MAX_MILLIS)));
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /** Prints a duration the way ha.cf would write it: {@code 2s} when whole seconds, else {@code 250ms}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
