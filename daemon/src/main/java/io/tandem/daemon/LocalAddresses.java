package io.tandem.daemon;

import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Set;

/** This host's addresses, seen from the network namespace the daemon runs in. */
public final class LocalAddresses {
    private LocalAddresses() {
    }

    /** The interface with an address on {@code target}'s subnet, or null. */
    public static String interfaceFacing(InetAddress target) throws SocketException {
        InterfaceAddress a = addressFacing(target, Set.of());
        if (a == null) {
            return null;
        }
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.getInterfaceAddresses().contains(a)) {
                return nif.getName();
            }
        }
        return null;
    }

    /** Our address on {@code target}'s subnet, skipping {@code exclude} (VIPs move), or null. */
    public static InterfaceAddress addressFacing(InetAddress target, Set<InetAddress> exclude) throws SocketException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                if (a.getAddress().getClass() == target.getClass() && !exclude.contains(a.getAddress())
                        && sameSubnet(a, target)) {
                    return a;
                }
            }
        }
        return null;
    }

    private static boolean sameSubnet(InterfaceAddress a, InetAddress target) {
        byte[] x = a.getAddress().getAddress();
        byte[] y = target.getAddress();
        int bits = a.getNetworkPrefixLength();
        for (int i = 0; i < x.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((x[i] & mask) != (y[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
