package io.tandem.linux;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;

/**
 * Facts about network interfaces, asked of the kernel in the calling thread's network namespace
 * ({@code if_nametoindex}, {@code SIOCGIFHWADDR}, {@code SIOCGIFFLAGS}), and the receive offloads a
 * user-space forwarder must turn off ({@code SIOCETHTOOL}).
 *
 * <p>{@link java.net.NetworkInterface} is not used: it finds interfaces partly through
 * {@code /proc/net}, which shows the process's namespace, not the thread's.
 */
public final class Links {
    private static final int IFREQ_BYTES = 40;
    private static final int IFR_DATA_OFFSET = 16;
    private static final int ARPHRD_ETHER = 1;
    private static final int MAC_BYTES = 6;

    private Links() {
    }

    /**
     * The kernel index of {@code ifName}.
     *
     * @throws LinuxException naming the interface if there is none by that name
     */
    public static int index(String ifName) throws LinuxException {
        checkName(ifName);
        int index = LibC.if_nametoindex(ifName);
        if (index == 0) {
            throw LinuxException.lastError("if_nametoindex(" + ifName + ")");
        }
        return index;
    }

    /**
     * The Ethernet (hardware) address of {@code ifName}, 6 bytes.
     *
     * @throws LinuxException if the interface does not exist or is not an Ethernet-like link
     */
    public static byte[] macAddress(String ifName) throws LinuxException {
        try (Memory ifreq = ifreqCall(ifName, LibC.SIOCGIFHWADDR, "SIOCGIFHWADDR")) {
            int family = ifreq.getShort(IFR_DATA_OFFSET) & 0xFFFF;
            if (family != ARPHRD_ETHER) {
                throw new LinuxException("SIOCGIFHWADDR(" + ifName + ") gave hardware type " + family
                        + ", not Ethernet", Errno.EINVAL);
            }
            return ifreq.getByteArray(IFR_DATA_OFFSET + 2, MAC_BYTES);
        }
    }

    /**
     * Whether {@code ifName} is administratively up ({@code IFF_UP}, as set by
     * {@code ip link set dev up}).
     */
    public static boolean isUp(String ifName) throws LinuxException {
        return (flags(ifName) & LibC.IFF_UP) != 0;
    }

    /** Whether {@code ifName} is up and has carrier ({@code IFF_RUNNING}). */
    public static boolean isRunning(String ifName) throws LinuxException {
        return (flags(ifName) & LibC.IFF_RUNNING) != 0;
    }

    private static final int ETHTOOL_GFLAGS = 0x25;
    private static final int ETHTOOL_SFLAGS = 0x26;
    private static final int ETHTOOL_GGRO = 0x2b;
    private static final int ETHTOOL_SGRO = 0x2c;
    private static final int ETH_FLAG_LRO = 1 << 15;

    /**
     * Turns generic receive offload and large receive offload off on {@code ifName}, so frames
     * reach AF_PACKET as they were on the wire (at most one MTU each) rather than merged into
     * one large frame a forwarder could not send on. Drivers without these offloads are left as
     * they are.
     *
     * @return what was turned off ("gro", "lro"), empty if nothing was on
     * @throws LinuxException if the interface does not exist or refuses the change
     */
    public static java.util.List<String> disableReceiveOffloads(String ifName) throws LinuxException {
        java.util.List<String> changed = new java.util.ArrayList<>();
        Integer gro = ethtoolGet(ifName, ETHTOOL_GGRO, "ETHTOOL_GGRO");
        if (gro != null && gro != 0) {
            ethtoolSet(ifName, ETHTOOL_SGRO, 0, "ETHTOOL_SGRO");
            changed.add("gro");
        }
        Integer flags = ethtoolGet(ifName, ETHTOOL_GFLAGS, "ETHTOOL_GFLAGS");
        if (flags != null && (flags & ETH_FLAG_LRO) != 0) {
            ethtoolSet(ifName, ETHTOOL_SFLAGS, flags & ~ETH_FLAG_LRO, "ETHTOOL_SFLAGS");
            changed.add("lro");
        }
        return changed;
    }

    /** Sets GRO on {@code ifName} (tests turn it on to see it turned off). */
    static void setGenericReceiveOffload(String ifName, boolean on) throws LinuxException {
        ethtoolSet(ifName, ETHTOOL_SGRO, on ? 1 : 0, "ETHTOOL_SGRO");
    }

    /** Whether GRO is on for {@code ifName} (false if its driver has none). */
    static boolean isGenericReceiveOffload(String ifName) throws LinuxException {
        Integer gro = ethtoolGet(ifName, ETHTOOL_GGRO, "ETHTOOL_GGRO");
        return gro != null && gro != 0;
    }

    /** struct ethtool_value { u32 cmd; u32 data; } through ifr_data; null if the driver does not support it. */
    private static Integer ethtoolGet(String ifName, int cmd, String what) throws LinuxException {
        try (Memory value = new Memory(8)) {
            value.setInt(0, cmd);
            value.setInt(4, 0);
            if (!ethtool(ifName, value, what)) {
                return null;
            }
            return value.getInt(4);
        }
    }

    private static void ethtoolSet(String ifName, int cmd, int data, String what) throws LinuxException {
        try (Memory value = new Memory(8)) {
            value.setInt(0, cmd);
            value.setInt(4, data);
            if (!ethtool(ifName, value, what)) {
                throw new LinuxException(what + "(" + ifName + ")", EOPNOTSUPP);
            }
        }
    }

    /** SIOCETHTOOL; false when the driver does not implement the request (EOPNOTSUPP). */
    private static boolean ethtool(String ifName, Memory value, String what) throws LinuxException {
        byte[] name = checkName(ifName);
        try (Memory ifreq = new Memory(IFREQ_BYTES)) {
            ifreq.clear();
            ifreq.write(0, name, 0, name.length);
            ifreq.setPointer(IFR_DATA_OFFSET, value);
            int fd = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw LinuxException.lastError("socket(AF_INET, SOCK_DGRAM) for " + what);
            }
            try {
                if (LibC.ioctl(fd, LibC.SIOCETHTOOL, ifreq) < 0) {
                    int errno = com.sun.jna.Native.getLastError();
                    if (errno == EOPNOTSUPP) {
                        return false;
                    }
                    throw LinuxException.lastError(what + "(" + ifName + ")");
                }
                return true;
            } finally {
                LibC.close(fd);
            }
        }
    }

    private static final int EOPNOTSUPP = 95;

    private static int flags(String ifName) throws LinuxException {
        try (Memory ifreq = ifreqCall(ifName, LibC.SIOCGIFFLAGS, "SIOCGIFFLAGS")) {
            return ifreq.getShort(IFR_DATA_OFFSET) & 0xFFFF;
        }
    }

    /** Runs an ifreq ioctl on a throw-away datagram socket; the caller closes the result. */
    private static Memory ifreqCall(String ifName, long request, String requestName) throws LinuxException {
        byte[] name = checkName(ifName);
        Memory ifreq = new Memory(IFREQ_BYTES);
        ifreq.clear();
        ifreq.write(0, name, 0, name.length);
        int fd = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            ifreq.close();
            throw LinuxException.lastError("socket(AF_INET, SOCK_DGRAM) for " + requestName);
        }
        try {
            if (LibC.ioctl(fd, request, ifreq) < 0) {
                ifreq.close();
                throw LinuxException.lastError(requestName + "(" + ifName + ")");
            }
            return ifreq;
        } finally {
            LibC.close(fd);
        }
    }

    private static byte[] checkName(String ifName) {
        byte[] bytes = ifName.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= LibC.IFNAMSIZ || ifName.indexOf('/') >= 0) {
            throw new IllegalArgumentException("interface name '" + ifName + "' must be 1.."
                    + (LibC.IFNAMSIZ - 1) + " bytes without '/'");
        }
        return bytes;
    }
}
