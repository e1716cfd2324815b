package io.tandem.linux;

import java.nio.file.Path;

/**
 * Moves the calling thread into a network namespace ({@code setns(CLONE_NEWNET)}).
 *
 * <p>Linux keeps the network namespace per thread, so only the calling thread moves; sockets it
 * opens afterwards (packet sockets, rtnetlink, the ioctls of {@link Links}) belong to that
 * namespace for their whole life, whichever thread later uses them. Used by tests that run on a
 * dedicated thread, and by tools that act inside a namespace made with {@code ip netns add}.
 */
public final class NetNamespace {
    /** Where {@code ip netns add NAME} pins named namespaces. */
    public static final Path NAMED_NAMESPACES = Path.of("/var/run/netns");

    private NetNamespace() {
    }

    /**
     * Moves the calling thread into the namespace {@code ip netns add name} created.
     *
     * @throws LinuxException {@code ENOENT} if there is no such namespace, {@code EPERM} without
     *     CAP_SYS_ADMIN
     */
    public static void enter(String name) throws LinuxException {
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("namespace name '" + name + "' must be a plain file name");
        }
        enter(NAMED_NAMESPACES.resolve(name));
    }

    /**
     * Moves the calling thread into the namespace pinned at {@code nsFile}, e.g.
     * {@code /proc/1/ns/net}.
     */
    public static void enter(Path nsFile) throws LinuxException {
        int fd = LibC.open(nsFile.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw LinuxException.lastError("open(" + nsFile + ")");
        }
        try {
            if (LibC.setns(fd, LibC.CLONE_NEWNET) < 0) {
                throw LinuxException.lastError("setns(" + nsFile + ", CLONE_NEWNET)");
            }
        } finally {
            LibC.close(fd);
        }
    }
}
