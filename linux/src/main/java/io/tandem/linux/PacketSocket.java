package io.tandem.linux;

import com.sun.jna.Memory;
import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * An {@code AF_PACKET}/{@code SOCK_RAW} socket bound to one interface: sends and receives whole
 * Ethernet frames (destination MAC first, no FCS).
 *
 * <p>The socket is created with protocol 0 and then bound to the interface with the wanted
 * EtherType, so it never sees frames of other interfaces, not even between {@code socket()} and
 * {@code bind()}. A socket opened with {@link #ETH_P_NONE} receives nothing and only sends, which
 * is what an announcer wants: no receive queue fills up behind it. Receiving sockets are set to
 * {@code PACKET_IGNORE_OUTGOING}, so they see what arrives on the link, not what this host sends.
 *
 * <p>Sending copies the frame into a native buffer allocated once per socket and passes a
 * {@code sockaddr_ll} also allocated once, so {@link #send} does not allocate. {@code send} and
 * {@code receive} may be called from different threads; concurrent sends are serialized.
 * {@link #close} waits for a send or receive in progress (a receive at most its timeout).
 */
public final class PacketSocket implements Closeable {
    /** Receive every protocol ({@code ETH_P_ALL}). */
    public static final int ETH_P_ALL = 0x0003;
    /** Receive nothing: a send-only socket. */
    public static final int ETH_P_NONE = 0;
    /** Receive ARP frames only. */
    public static final int ETH_P_ARP = 0x0806;
    /** Receive IPv4 frames only. */
    public static final int ETH_P_IP = 0x0800;
    /** Receive IPv6 frames only. */
    public static final int ETH_P_IPV6 = 0x86DD;
    /** Largest frame {@link #send} and {@link #receive} handle, in bytes. */
    public static final int MAX_FRAME_BYTES = 65536;

    private static final int SOCKADDR_LL_BYTES = 20;
    private static final int POLLFD_BYTES = 8;

    private final String ifName;
    private final int ifIndex;
    private final String sendOperation;
    private final Object sendLock = new Object();
    private final Object receiveLock = new Object();
    private final Memory sendMemory = new Memory(MAX_FRAME_BYTES);
    private final ByteBuffer sendView = sendMemory.getByteBuffer(0, MAX_FRAME_BYTES);
    private final Memory address = new Memory(SOCKADDR_LL_BYTES);
    private final Memory receiveMemory;
    private final ByteBuffer receiveView;
    private final Memory pollFd;
    private volatile int fd;

    private PacketSocket(String ifName, int ifIndex, int fd, boolean receiving) {
        this.ifName = ifName;
        this.ifIndex = ifIndex;
        this.fd = fd;
        this.sendOperation = "sendto(AF_PACKET, " + ifName + " ifindex=" + ifIndex + ")";
        writeSockaddrLl(address, 0, ifIndex);
        if (receiving) {
            receiveMemory = new Memory(MAX_FRAME_BYTES);
            receiveView = receiveMemory.getByteBuffer(0, MAX_FRAME_BYTES);
            pollFd = new Memory(POLLFD_BYTES);
        } else {
            receiveMemory = null;
            receiveView = null;
            pollFd = null;
        }
    }

    /**
     * Opens a socket on {@code ifName} that receives every incoming frame and can send any frame.
     *
     * @throws LinuxException if the interface does not exist or the caller lacks CAP_NET_RAW
     */
    public static PacketSocket openRaw(String ifName) throws LinuxException {
        return openRaw(ifName, ETH_P_ALL);
    }

    /**
     * Opens a socket on {@code ifName} that receives incoming frames of one EtherType
     * ({@link #ETH_P_ARP}, {@link #ETH_P_ALL}, ...) or none ({@link #ETH_P_NONE}), and can send any
     * frame.
     *
     * @throws LinuxException if the interface does not exist or the caller lacks CAP_NET_RAW
     */
    public static PacketSocket openRaw(String ifName, int etherType) throws LinuxException {
        if (etherType < 0 || etherType > 0xFFFF) {
            throw new IllegalArgumentException("etherType=" + etherType + " must be 0..0xffff");
        }
        int ifIndex = Links.index(ifName);
        int fd = LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw LinuxException.lastError("socket(AF_PACKET, SOCK_RAW) for " + ifName);
        }
        try (Memory bindAddress = new Memory(SOCKADDR_LL_BYTES); Memory one = new Memory(4)) {
            if (etherType != ETH_P_NONE) {
                one.setInt(0, 1);
                if (LibC.setsockopt(fd, LibC.SOL_PACKET, LibC.PACKET_IGNORE_OUTGOING, one, 4) < 0) {
                    throw LinuxException.lastError("setsockopt(PACKET_IGNORE_OUTGOING) on " + ifName);
                }
            }
            writeSockaddrLl(bindAddress, etherType, ifIndex);
            if (LibC.bind(fd, bindAddress, SOCKADDR_LL_BYTES) < 0) {
                throw LinuxException.lastError("bind(AF_PACKET, " + ifName + " ifindex=" + ifIndex + ")");
            }
            return new PacketSocket(ifName, ifIndex, fd, etherType != ETH_P_NONE);
        } catch (LinuxException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]. */
    private static void writeSockaddrLl(Memory m, int etherType, int ifIndex) {
        m.clear();
        m.setShort(0, (short) LibC.AF_PACKET);
        m.setShort(2, Short.reverseBytes((short) etherType));
        m.setInt(4, ifIndex);
    }

    /** The interface name this socket is bound to. */
    public String ifName() {
        return ifName;
    }

    /** The kernel index of the interface this socket is bound to. */
    public int ifIndex() {
        return ifIndex;
    }

    /**
     * Sends the bytes from {@code frame.position()} to {@code frame.limit()} as one Ethernet frame
     * (heap or direct buffer), then advances the position to the limit. Does not allocate.
     *
     * @throws LinuxException e.g. {@code ENETDOWN} when the link is down, {@code ENXIO} or
     *     {@code ENODEV} when the interface has gone
     */
    public void send(ByteBuffer frame) throws LinuxException {
        int length = frame.remaining();
        if (length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame of " + length + " bytes exceeds MAX_FRAME_BYTES="
                    + MAX_FRAME_BYTES);
        }
        synchronized (sendLock) {
            int socketFd = openFd();
            sendView.put(0, frame, frame.position(), length);
            long sent = LibC.sendto(socketFd, sendMemory, length, 0, address, SOCKADDR_LL_BYTES);
            if (sent < 0) {
                throw LinuxException.lastError(sendOperation);
            }
            frame.position(frame.limit());
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for a frame and copies it to {@code dst} at its position,
     * advancing the position. A frame longer than {@code dst.remaining()} is truncated.
     *
     * @return the number of bytes copied, or 0 if no frame arrived in time
     * @throws IllegalStateException if the socket was opened with {@link #ETH_P_NONE}
     */
    public int receive(ByteBuffer dst, int timeoutMillis) throws LinuxException {
        if (receiveMemory == null) {
            throw new IllegalStateException("socket on " + ifName + " was opened send-only (ETH_P_NONE)");
        }
        synchronized (receiveLock) {
            int socketFd = openFd();
            pollFd.setInt(0, socketFd);
            pollFd.setShort(4, (short) LibC.POLLIN);
            pollFd.setShort(6, (short) 0);
            int ready = LibC.poll(pollFd, 1, timeoutMillis);
            if (ready < 0) {
                if (LibC.errno() == Errno.EINTR) {
                    return 0;
                }
                throw LinuxException.lastError("poll(AF_PACKET, " + ifName + ")");
            }
            if (ready == 0) {
                return 0;
            }
            long received = LibC.recv(socketFd, receiveMemory, MAX_FRAME_BYTES, LibC.MSG_DONTWAIT);
            if (received < 0) {
                int errno = LibC.errno();
                if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                    return 0;
                }
                throw new LinuxException("recv(AF_PACKET, " + ifName + ")", errno);
            }
            int copied = (int) Math.min(received, dst.remaining());
            dst.put(dst.position(), receiveView, 0, copied);
            dst.position(dst.position() + copied);
            return copied;
        }
    }

    private int openFd() {
        int socketFd = fd;
        if (socketFd < 0) {
            throw new IllegalStateException("packet socket on " + ifName + " is closed");
        }
        return socketFd;
    }

    /** Closes the socket; idempotent. */
    @Override
    public void close() {
        synchronized (sendLock) {
            synchronized (receiveLock) {
                int socketFd = fd;
                if (socketFd >= 0) {
                    fd = -1;
                    LibC.close(socketFd);
                    sendMemory.close();
                    address.close();
                    if (receiveMemory != null) {
                        receiveMemory.close();
                        pollFd.close();
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "PacketSocket[" + ifName + " ifindex=" + ifIndex + "]";
    }
}
