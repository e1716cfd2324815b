package io.tandem.config.director;

import java.time.Duration;
import java.util.Map;

/**
 * The health check of a virtual service. Every field is null when the block does not set it,
 * meaning "the global value, else ldirectord's default".
 *
 * @param other the other check directives ({@code login}, {@code passwd}, {@code database},
 *              {@code secret}, {@code httpmethod}, {@code emailalert}, {@code checkcommand},
 *              {@code cleanstop}, {@code ops}, ldirectord's e-mail labels {@code servicename} and
 *              {@code comment}, and Tandem's extensions {@code rise}, {@code fall},
 *              {@code httpstatus} and {@code verifycert}), values without quotes; numbers and
 *              yes/no already validated
 */
public record CheckSpec(String checktype, String service, String request, String receive, String virtualhost,
        Integer checkport, Duration checktimeout, Duration negotiatetimeout, Duration checkinterval,
        Integer failurecount, Map<String, String> other) {
    public CheckSpec {
        other = Map.copyOf(other);
    }
}
