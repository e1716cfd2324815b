package io.tandem.director;

import java.time.Duration;
import java.util.Objects;

/**
 * Persistence of a virtual service ({@code persistent=SECONDS}, {@code netmask=} in
 * director.cf): for {@code timeout} after its last connection ended, a client network (the
 * client address masked to {@code prefixLength} bits) keeps going to the same real server.
 *
 * @param timeout      zero for no persistence
 * @param prefixLength bits of the client address that make the network, or {@link #HOST} for
 *                     the whole address (/32 for IPv4, /128 for IPv6)
 */
public record Persistence(Duration timeout, int prefixLength) {
    /** The whole client address. */
    public static final int HOST = -1;
    /** Templates keep their timeout in an int of milliseconds. */
    public static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);
    /** No persistence (declared after what the constructor reads). */
    public static final Persistence NONE = new Persistence(Duration.ZERO, HOST);

    public Persistence {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("persistent=" + timeout.toSeconds() + "s must be in [0, "
                    + MAX_TIMEOUT.toSeconds() + "s]");
        }
        if (prefixLength < HOST || prefixLength > 128) {
            throw new IllegalArgumentException("netmask prefix=" + prefixLength + " must be in [0, 128]");
        }
    }

    /** Per client address, for {@code timeout}. */
    public static Persistence of(Duration timeout) {
        return new Persistence(timeout, HOST);
    }

    public boolean isEnabled() {
        return !timeout.isZero();
    }
}
