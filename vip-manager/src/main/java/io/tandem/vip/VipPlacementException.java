package io.tandem.vip;

import java.io.IOException;

/**
 * A VIP cannot be placed: no device is named and no interface has a subnet containing it, or its
 * prefix length is missing and cannot be taken from the interface. The message says what to
 * write in haresources instead.
 */
public class VipPlacementException extends IOException {
    /** @param message names the VIP and the fix */
    public VipPlacementException(String message) {
        super(message);
    }
}
