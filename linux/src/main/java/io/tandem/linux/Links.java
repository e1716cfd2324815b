package io.tandem.linux;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;

/**
 * Facts about network interfaces, asked of the kernel in the calling thread's network namespace
 * ({@code if_nametoindex}, {@code SIOCGIFHWADDR}, {@code SIOCGIFFLAGS}).
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
