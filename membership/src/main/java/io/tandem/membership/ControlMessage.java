package io.tandem.membership;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A small message between the directors, sent reliably and in order over the membership channel:
 * a type ({@code takeover-request}, {@code standby-request}, ...) and string fields. The
 * receiver ignores types it does not know. Its encoding is {@link ControlMessageCodec}; it must
 * fit {@link #MAX_ENCODED_BYTES}, which the constructor checks so an oversized message fails at
 * the sender.
 */
public record ControlMessage(String type, Map<String, String> fields) {

    /** Reserved: the notice {@link Membership#leave()} sends before it disconnects. */
    public static final String LEAVING = "leaving";
    public static final int MAX_ENCODED_BYTES = 8192;
    public static final int MAX_FIELDS = 64;

    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public ControlMessage {
        Objects.requireNonNull(type, "type");
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException(
                    "control message: type='" + type + "' must match " + TYPE.pattern());
        }
        fields = Map.copyOf(Objects.requireNonNull(fields, "fields"));
        if (fields.size() > MAX_FIELDS) {
            throw new IllegalArgumentException(
                    "control message " + type + ": " + fields.size() + " fields, at most " + MAX_FIELDS);
        }
        int length = ControlMessageCodec.encodedLength(type, fields);
        if (length > MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("control message " + type + ": encodes to " + length
                    + " bytes, at most " + MAX_ENCODED_BYTES);
        }
    }

    public static ControlMessage of(String type) {
        return new ControlMessage(type, Map.of());
    }

    public static ControlMessage of(String type, Map<String, String> fields) {
        return new ControlMessage(type, fields);
    }

    /** The field's value, or null. */
    public String field(String name) {
        return fields.get(name);
    }
}
