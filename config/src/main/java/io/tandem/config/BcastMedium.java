package io.tandem.config;

import java.util.Objects;

/**
 * One device of a {@code bcast DEV [DEV...]} line of ha.cf: heartbeats go to the device's IPv4
 * broadcast address at {@code udpport} and are heard on the same device.
 */
public record BcastMedium(String device, int line) implements Medium {
    /** Checks that the device is present. */
    public BcastMedium {
        Objects.requireNonNull(device, "device");
    }

    @Override
    public String name() {
        return "bcast " + device;
    }

    @Override
    public String detail() {
        return "bcast";
    }
}
