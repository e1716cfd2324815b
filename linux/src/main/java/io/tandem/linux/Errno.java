package io.tandem.linux;

/**
 * The Linux errno values callers of this module distinguish (generic/x86-64/arm64 numbering).
 *
 * <p>Compare with {@link LinuxException#errno()}, e.g. {@code e.errno() == Errno.EEXIST} means an
 * address being added is already there.
 */
public final class Errno {
    /** Operation not permitted (not root / no CAP_NET_ADMIN). */
    public static final int EPERM = 1;
    /** No such file or directory (e.g. a named network namespace that does not exist). */
    public static final int ENOENT = 2;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** No such device or address (e.g. sending on an interface that has gone). */
    public static final int ENXIO = 6;
    /** Try again: a receive timed out. */
    public static final int EAGAIN = 11;
    /** File exists: the address being added is already on the interface. */
    public static final int EEXIST = 17;
    /** No such device: the interface does not exist. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Message too long: a frame larger than the interface MTU allows. */
    public static final int EMSGSIZE = 90;
    /** Cannot assign requested address: the address being deleted is not there. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down: the interface is administratively down. */
    public static final int ENETDOWN = 100;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;

    private Errno() {
    }
}
