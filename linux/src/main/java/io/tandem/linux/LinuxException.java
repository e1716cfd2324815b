package io.tandem.linux;

import com.sun.jna.Pointer;
import java.io.IOException;

/**
 * A system call or kernel request failed: carries the errno and names the operation, e.g.
 * {@code sendto(AF_PACKET, vA ifindex=3): Network is down (errno 100)} or
 * {@code RTM_NEWADDR 198.51.100.10/24 dev eth0: File exists (errno 17)}.
 *
 * <p>Callers that treat a case as success test {@link #errno()} against {@link Errno}.
 */
public class LinuxException extends IOException {
    private final String operation;
    private final int errno;

    /**
     * @param operation what was attempted, naming its subject (call, interface, address)
     * @param errno the positive errno the kernel returned
     */
    public LinuxException(String operation, int errno) {
        this(operation, errno, null);
    }

    /**
     * @param operation what was attempted, naming its subject (call, interface, address)
     * @param errno the positive errno the kernel returned
     * @param kernelDetail extended-ack text from the kernel, or null
     */
    public LinuxException(String operation, int errno, String kernelDetail) {
        super(operation + ": " + describe(errno)
                + (kernelDetail == null || kernelDetail.isEmpty() ? "" : " - kernel says: " + kernelDetail));
        this.operation = operation;
        this.errno = errno;
    }

    /** What was attempted, e.g. {@code RTM_NEWADDR 198.51.100.10/24 dev eth0}. */
    public String operation() {
        return operation;
    }

    /** The positive errno value; compare with {@link Errno}. */
    public int errno() {
        return errno;
    }

    /** {@code "<strerror(errno)> (errno N)"}, e.g. {@code "File exists (errno 17)"}. */
    static String describe(int errno) {
        String text;
        try {
            Pointer p = LibC.strerror(errno);
            text = p == null ? "Unknown error" : p.getString(0);
        } catch (LinkageError e) {
            text = "Unknown error";
        }
        return text + " (errno " + errno + ")";
    }

    /** Builds the exception for the errno the last failed call on this thread left. */
    static LinuxException lastError(String operation) {
        return new LinuxException(operation, LibC.errno());
    }
}
