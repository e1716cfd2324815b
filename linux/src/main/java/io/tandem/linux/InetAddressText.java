package io.tandem.linux;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses as operators write them: dotted quad, and IPv6 in the RFC 5952 short form
 * ({@code 2001:db8::10}, where {@link InetAddress#getHostAddress()} gives
 * {@code 2001:db8:0:0:0:0:0:10}), without a zone.
 */
public final class InetAddressText {
    private InetAddressText() {
    }

    /** The address in canonical text form. */
    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] raw = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((raw[2 * i] & 0xFF) << 8) | (raw[2 * i + 1] & 0xFF);
        }
        // RFC 5952 4.2: collapse the first longest run of two or more zero groups.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
