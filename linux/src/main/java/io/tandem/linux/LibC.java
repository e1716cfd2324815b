package io.tandem.linux;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Direct JNA mapping of the few libc functions Tandem calls, and the Linux constants they take.
 *
 * <p>Direct mapping ({@link Native#register}) so that a call with {@code int}, {@code long} and
 * {@link Pointer} arguments does not allocate on the Java heap. {@code size_t}/{@code ssize_t} are
 * mapped to {@code long}, which holds on the 64-bit Linux platforms Tandem supports (checked at
 * load). errno is read with {@link Native#getLastError()} right after a call returns -1.
 */
final class LibC {
    static {
        if (!Platform.isLinux() || Native.LONG_SIZE != 8) {
            throw new UnsupportedOperationException(
                    "tandem-linux needs 64-bit Linux, not " + System.getProperty("os.name")
                            + " with " + (Native.LONG_SIZE * 8) + "-bit long");
        }
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;

    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;

    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;
    static final int SOL_PACKET = 263;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_TX_RING = 13;
    static final int PACKET_LOSS = 14;
    static final int PACKET_VERSION = 10;
    static final int PACKET_RESERVE = 12;
    static final int PACKET_FANOUT = 18;
    static final int PACKET_QDISC_BYPASS = 20;
    static final int PACKET_STATISTICS = 6;
    static final int TPACKET_V3 = 2;
    static final int PACKET_FANOUT_HASH = 0;
    static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    static final int SO_ATTACH_FILTER = 26;

    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x01;
    static final long MAP_FAILED = -1L;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    static final int NETLINK_ROUTE = 0;

    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;

    static final int POLLIN = 0x1;

    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    static final int IFNAMSIZ = 16;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCGIFHWADDR = 0x8927;
    static final long SIOCETHTOOL = 0x8946;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;

    private LibC() {
    }

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, Pointer addr, int addrLen);

    static native long sendto(int fd, Pointer buf, long len, int flags, Pointer destAddr, int addrLen);

    static native long recv(int fd, Pointer buf, long len, int flags);

    /** sendto with the buffer given as a native address: sends straight out of a mapped ring. */
    static native long sendto(int fd, long bufAddress, long len, int flags, Pointer destAddr, int addrLen);

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

    static native int munmap(long addr, long length);

    static native int close(int fd);

    static native int setsockopt(int fd, int level, int name, Pointer value, int valueLen);

    /** {@code valueLen} points at a socklen_t (an int) holding the buffer's size, then the value's. */
    static native int getsockopt(int fd, int level, int name, Pointer value, Pointer valueLen);

    static native int poll(Pointer fds, long nfds, int timeoutMillis);

    static native int if_nametoindex(String name);

    static native int ioctl(int fd, long request, Pointer arg);

    static native int open(String path, int flags);

    static final int SCHED_OTHER = 0;
    static final int SCHED_RR = 2;
    static final int MCL_CURRENT = 1;
    static final int MCL_FUTURE = 2;
    static final int MCL_ONFAULT = 4;

    /** {@code param} points at a {@code struct sched_param} (one int, the priority). */
    static native int sched_setscheduler(int pid, int policy, Pointer param);

    static native int sched_get_priority_max(int policy);

    static native int mlockall(int flags);

    static native int setns(int fd, int nsType);

    static native Pointer strerror(int errnum);

    /** errno of the last failed call on this thread. */
    static int errno() {
        return Native.getLastError();
    }
}
