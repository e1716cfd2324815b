package io.tandem.config.director;

import java.time.Duration;
import java.util.Map;

/**
 * The health check of a virtual service. Every field is null when the block does not set it,
 * meaning "the global value, else ldirectord's default".
 *
 * @param other the check directives Tandem does not interpret yet ({@code login}, {@code passwd},
 *              {@code database}, {@code secret}, {@code httpmethod}, {@code emailalert},
 *              {@code checkcommand}, {@code cleanstop}, {@code ops}, and ldirectord's e-mail labels
 *              {@code servicename} and {@code comment}), raw values without quotes
 */
public record CheckSpec(String checktype, String service, String request, String receive, String virtualhost,
        Integer checkport, Duration checktimeout, Duration negotiatetimeout, Duration checkinterval,
        Integer failurecount, Map<String, String> other) {
    public CheckSpec {
        other = Map.copyOf(other);
    }
}
