package io.tandem.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {
    private static final Path HA_CF = Path.of("ha.cf");

    @ParameterizedTest
    @CsvSource({"200ms, 200", "2s, 2000", "2, 2000", "0.5, 500", "1.25s, 1250", ".5, 500", "86400, 86400000",
            "0.5ms, -1"})
    void shouldParseMillisecondsSecondsAndBareSeconds(String text, long expectedMillis) throws Exception {
        if (expectedMillis < 0) {
            assertThrows(ConfigException.class, () -> Durations.parse(HA_CF, 1, "keepalive", text));
            return;
        }
        assertEquals(Duration.ofMillis(expectedMillis), Durations.parse(HA_CF, 1, "keepalive", text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 | keepalive=0 must be > 0",
            "0ms | keepalive=0ms must be > 0",
            "-200ms | keepalive=-200ms must be > 0",
            "1.5ms | keepalive=1.5ms must be a whole number of milliseconds",
            "86401 | keepalive=86401 must be at most 86400s",
            "99999999999999999999999s | keepalive=99999999999999999999999s must be at most 86400s",
            "2 s | keepalive=2 s is not a time; write milliseconds (200ms), seconds (2s) or bare seconds (0.5)",
            "1e3 | keepalive=1e3 is not a time; write milliseconds (200ms), seconds (2s) or bare seconds (0.5)",
            "200MS | keepalive=200MS is not a time; write milliseconds (200ms), seconds (2s) or bare seconds (0.5)"})
    void shouldRejectZeroNegativeFractionalMillisOversizedAndGarbage(String text, String problem) {
        ConfigException e = assertThrows(ConfigException.class, () -> Durations.parse(HA_CF, 12, "keepalive", text));

        assertEquals("ha.cf:12: " + problem, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"200, 200ms", "1000, 1s", "1500, 1500ms", "60000, 60s"})
    void shouldFormatWholeSecondsAsSecondsAndTheRestAsMilliseconds(long millis, String expected) {
        assertEquals(expected, Durations.format(Duration.ofMillis(millis)));
    }
}
