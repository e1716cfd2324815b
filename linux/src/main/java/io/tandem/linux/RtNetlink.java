package io.tandem.linux;

import com.sun.jna.Memory;
import java.io.Closeable;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's address table over one {@code NETLINK_ROUTE} socket: add, delete and list
 * interface addresses, as {@code ip addr add|del|show} do, without running {@code ip}.
 *
 * <p>Each request carries a fresh sequence number and waits for its own answer (an ack, an
 * error, or the end of a dump); stale answers of an earlier request are skipped. Errors become
 * {@link LinuxException}s naming the request, e.g.
 * {@code RTM_NEWADDR 198.51.100.10/24 dev eth0: File exists (errno 17)}, with the kernel's
 * extended-ack text when it gives one. Adding an address that is already there fails with
 * {@link Errno#EEXIST}; deleting one that is not there fails with {@link Errno#EADDRNOTAVAIL}.
 *
 * <p>The socket, and so every operation including name lookups, belongs to the network
 * namespace of the thread that called {@link #open()}. Calls are rare and serialized by
 * synchronization; buffers are fixed-size (a reply longer than 64 KiB is an error, not a
 * reallocation); a reply that does not come within 5 s fails with {@link Errno#EAGAIN}.
 */
public final class RtNetlink implements Closeable {
    private static final int REQUEST_BYTES = 512;
    private static final int RECEIVE_BYTES = 64 * 1024;
    private static final int RECEIVE_TIMEOUT_MS = 5000;
    private static final int SOCKADDR_NL_BYTES = 12;
    private static final int DUMP_ATTEMPTS = 5;

    private final Memory requestMemory = new Memory(REQUEST_BYTES);
    private final ByteBuffer request = requestMemory.getByteBuffer(0, REQUEST_BYTES).order(ByteOrder.nativeOrder());
    private final Memory replyMemory = new Memory(RECEIVE_BYTES);
    private final ByteBuffer reply = replyMemory.getByteBuffer(0, RECEIVE_BYTES).order(ByteOrder.nativeOrder());
    private final Memory kernelAddress = new Memory(SOCKADDR_NL_BYTES);
    private int fd;
    private int seq;

    private RtNetlink(int fd) {
        this.fd = fd;
        kernelAddress.clear();
        kernelAddress.setShort(0, (short) LibC.AF_NETLINK);
        this.seq = (int) (System.nanoTime() & 0x3FFFFFFF);
    }

    /**
     * Opens a NETLINK_ROUTE socket in the calling thread's network namespace.
     *
     * @throws LinuxException if the socket cannot be created
     */
    public static RtNetlink open() throws LinuxException {
        int fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) {
            throw LinuxException.lastError("socket(AF_NETLINK, NETLINK_ROUTE)");
        }
        try (Memory option = new Memory(16)) {
            option.setInt(0, 1);
            // Best effort: both only make error replies shorter and clearer.
            LibC.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, option, 4);
            LibC.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, option, 4);
            option.setLong(0, RECEIVE_TIMEOUT_MS / 1000);
            option.setLong(8, (RECEIVE_TIMEOUT_MS % 1000) * 1000L);
            if (LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, option, 16) < 0) {
                LinuxException e = LinuxException.lastError("setsockopt(NETLINK_ROUTE, SO_RCVTIMEO)");
                LibC.close(fd);
                throw e;
            }
        }
        return new RtNetlink(fd);
    }

    /**
     * Adds {@code address/prefixLength} to {@code ifName} (IPv6 without duplicate address
     * detection, IPv4 with the subnet's broadcast address below /31).
     *
     * @throws LinuxException {@link Errno#EEXIST} if it is already there, {@link Errno#ENODEV}
     *     if there is no such interface
     */
    public synchronized void addAddress(String ifName, InetAddress address, int prefixLength) throws LinuxException {
        String operation = "RTM_NEWADDR " + InetAddressText.of(address) + "/" + prefixLength + " dev " + ifName;
        int ifIndex = linkIndex(ifName, operation);
        int requestSeq = nextSeq();
        request.clear();
        AddressMessage.writeNewAddress(request, requestSeq, ifIndex, address, prefixLength);
        transact(operation, requestSeq, null);
    }

    /**
     * Deletes {@code address/prefixLength} from {@code ifName}.
     *
     * @throws LinuxException {@link Errno#EADDRNOTAVAIL} if it is not there, {@link Errno#ENODEV}
     *     if there is no such interface
     */
    public synchronized void deleteAddress(String ifName, InetAddress address, int prefixLength) throws LinuxException {
        String operation = "RTM_DELADDR " + InetAddressText.of(address) + "/" + prefixLength + " dev " + ifName;
        int ifIndex = linkIndex(ifName, operation);
        int requestSeq = nextSeq();
        request.clear();
        AddressMessage.writeDeleteAddress(request, requestSeq, ifIndex, address, prefixLength);
        transact(operation, requestSeq, null);
    }

    /** Every IPv4 and IPv6 address on every interface, in the kernel's order. */
    public synchronized List<InterfaceAddressEntry> dumpAddresses() throws LinuxException {
        for (int attempt = 1; ; attempt++) {
            int requestSeq = nextSeq();
            request.clear();
            AddressMessage.writeDumpRequest(request, requestSeq);
            List<InterfaceAddressEntry> unnamed = new ArrayList<>();
            boolean consistent = transact("RTM_GETADDR dump", requestSeq, (buffer, message) -> {
                InterfaceAddressEntry entry = AddressMessage.read(buffer, message);
                if (entry != null) {
                    unnamed.add(entry);
                }
            });
            if (!consistent) {
                if (attempt < DUMP_ATTEMPTS) {
                    continue;
                }
                throw new LinuxException("RTM_GETADDR dump interrupted by concurrent changes "
                        + DUMP_ATTEMPTS + " times", Errno.EAGAIN);
            }
            // Names after addresses: an address whose interface vanished in between is gone too.
            Map<Integer, String> names = linkNames();
            List<InterfaceAddressEntry> entries = new ArrayList<>(unnamed.size());
            for (InterfaceAddressEntry entry : unnamed) {
                String name = names.get(entry.ifIndex());
                if (name != null) {
                    entries.add(new InterfaceAddressEntry(entry.ifIndex(), name, entry.address(), entry.prefixLength()));
                }
            }
            return entries;
        }
    }

    /**
     * The kernel's neighbour entry for {@code address} on {@code ifIndex} ({@code ip neigh get}),
     * or null if it holds none.
     */
    public synchronized NeighbourEntry neighbour(int ifIndex, InetAddress address) throws LinuxException {
        String operation = "RTM_GETNEIGH " + InetAddressText.of(address) + " ifindex " + ifIndex;
        int requestSeq = nextSeq();
        request.clear();
        NeighbourMessage.writeGet(request, requestSeq, ifIndex, address);
        NeighbourEntry[] found = {null};
        try {
            transact(operation, requestSeq, (buffer, message) -> {
                NeighbourEntry entry = NeighbourMessage.read(buffer, message, address);
                if (entry != null) {
                    found[0] = entry;
                }
            });
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
        return found[0];
    }

    /**
     * Asks the kernel to resolve {@code address} on {@code ifIndex} now (RTM_NEWNEIGH with
     * {@code NTF_USE}): it sends an ARP request or neighbour solicitation as if a packet were
     * routed there; look the result up with {@link #neighbour} a moment later. An entry already
     * resolved is left as it is (and confirmed if stale).
     */
    public synchronized void resolveNeighbour(int ifIndex, InetAddress address) throws LinuxException {
        String operation = "RTM_NEWNEIGH use " + InetAddressText.of(address) + " ifindex " + ifIndex;
        int requestSeq = nextSeq();
        request.clear();
        NeighbourMessage.writeUse(request, requestSeq, ifIndex, address);
        transact(operation, requestSeq, null);
    }

    /**
     * The index of {@code ifName} in this socket's namespace.
     *
     * @throws LinuxException {@link Errno#ENODEV} naming the interface if there is none
     */
    public synchronized int linkIndex(String ifName) throws LinuxException {
        return linkIndex(ifName, "RTM_GETLINK dev " + ifName);
    }

    /** Looks {@code ifName} up; a failure is reported as a failure of {@code operation}. */
    private int linkIndex(String ifName, String operation) throws LinuxException {
        int requestSeq = nextSeq();
        request.clear();
        LinkMessage.writeGetByName(request, requestSeq, ifName);
        int[] index = {-1};
        transact(operation, requestSeq, (buffer, message) -> {
            int found = LinkMessage.index(buffer, message);
            if (found > 0) {
                index[0] = found;
            }
        });
        if (index[0] < 0) {
            throw new LinuxException(operation + ": RTM_GETLINK answered without an interface", Errno.ENODEV);
        }
        return index[0];
    }

    private Map<Integer, String> linkNames() throws LinuxException {
        for (int attempt = 1; ; attempt++) {
            int requestSeq = nextSeq();
            request.clear();
            LinkMessage.writeDumpRequest(request, requestSeq);
            Map<Integer, String> names = new HashMap<>();
            boolean consistent = transact("RTM_GETLINK dump", requestSeq, (buffer, message) -> {
                String name = LinkMessage.name(buffer, message);
                if (name != null) {
                    names.put(LinkMessage.index(buffer, message), name);
                }
            });
            if (consistent || attempt == DUMP_ATTEMPTS) {
                return names;
            }
        }
    }

    private int nextSeq() {
        seq = (seq + 1) & 0x7FFFFFFF;
        return seq;
    }

    /** Receives one message of the answer to the current request. */
    private interface ReplyHandler {
        void onMessage(ByteBuffer buffer, int message);
    }

    /**
     * Sends {@code request} (position = its length) and reads answers with {@code requestSeq}
     * until an ack, an error or the end of a dump.
     *
     * @return false if the kernel flagged a dump as interrupted by concurrent changes
     */
    private boolean transact(String operation, int requestSeq, ReplyHandler handler) throws LinuxException {
        int socketFd = openFd();
        long sent = LibC.sendto(socketFd, requestMemory, request.position(), 0, kernelAddress, SOCKADDR_NL_BYTES);
        if (sent < 0) {
            throw LinuxException.lastError("sendto(NETLINK_ROUTE) " + operation);
        }
        boolean consistent = true;
        while (true) {
            long received = LibC.recv(socketFd, replyMemory, RECEIVE_BYTES, LibC.MSG_TRUNC);
            if (received < 0) {
                int errno = LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw new LinuxException("recv(NETLINK_ROUTE) waiting for " + operation, errno);
            }
            if (received > RECEIVE_BYTES) {
                throw new LinuxException(operation + ": reply of " + received + " bytes exceeds the "
                        + RECEIVE_BYTES + "-byte buffer", Errno.EMSGSIZE);
            }
            int end = (int) received;
            int message = 0;
            while (message + NetlinkMessage.HEADER_BYTES <= end) {
                int length = NetlinkMessage.length(reply, message);
                if (length < NetlinkMessage.HEADER_BYTES || message + length > end) {
                    throw new LinuxException(operation + ": malformed reply (message length " + length
                            + " at offset " + message + " of " + end + ")", Errno.EINVAL);
                }
                if (NetlinkMessage.seq(reply, message) == requestSeq) {
                    int type = NetlinkMessage.type(reply, message);
                    if ((NetlinkMessage.flags(reply, message) & NetlinkMessage.NLM_F_DUMP_INTR) != 0) {
                        consistent = false;
                    }
                    if (type == NetlinkMessage.NLMSG_ERROR || type == NetlinkMessage.NLMSG_DONE) {
                        int error = NetlinkMessage.errorCode(reply, message);
                        if (error < 0) {
                            throw new LinuxException(operation, -error,
                                    type == NetlinkMessage.NLMSG_ERROR
                                            ? NetlinkMessage.extendedAckMessage(reply, message) : null);
                        }
                        return consistent;
                    }
                    if (type != NetlinkMessage.NLMSG_NOOP && handler != null) {
                        handler.onMessage(reply, message);
                    }
                }
                message += NetlinkMessage.align(length);
            }
        }
    }

    private int openFd() {
        if (fd < 0) {
            throw new IllegalStateException("rtnetlink socket is closed");
        }
        return fd;
    }

    /** Closes the socket; idempotent. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
            requestMemory.close();
            replyMemory.close();
            kernelAddress.close();
        }
    }
}
