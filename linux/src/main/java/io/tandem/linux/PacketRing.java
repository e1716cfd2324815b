package io.tandem.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An {@code AF_PACKET} socket on one interface with a memory-mapped {@code TPACKET_V3} receive
 * ring: the kernel writes incoming frames into blocks shared with this process, which reads (and
 * may rewrite) them in place and sends them on, out of the ring, without copying them into the
 * Java heap.
 *
 * <pre>
 *  ring = blockCount blocks of blockBytes, each owned by the kernel or by user space
 *
 *  block (tpacket_block_desc)                 frame (tpacket3_hdr)
 *  0        4             8       12           0          4      8      12        16     20
 *  +--------+-------------+--------+----       +----------+------+------+---------+------+----------+
 *  |version |offset_to_   |block_  |num_       |tp_next_  |sec   |nsec  |snaplen  |len   |tp_status |
 *  |        |priv         |status  |pkts  ...  |offset    |      |      |         |      |          |
 *  +--------+-------------+--------+----       +----------+------+------+---------+------+----------+
 *  16: offset_to_first_pkt  20: blk_len        24: tp_mac (u16)  26: tp_net (u16)  ... 48: headroom
 *
 *  frame bytes (Ethernet header first) at frameHeader + tp_mac, snaplen long
 * </pre>
 *
 * <p>Reading: {@link #nextFrame()} walks the frames of the block user space owns; when a block is
 * used up it is handed back to the kernel ({@code block_status = TP_STATUS_KERNEL}, a release
 * store) and the walk moves to the next block if the kernel has retired it
 * ({@code TP_STATUS_USER}, read with acquire). {@link #awaitFrames(int)} polls when there is
 * nothing to walk. A block is retired when full or after {@code blockTimeoutMillis}, which bounds
 * the latency a lone packet sees.
 *
 * <p>Frames sent by this host are not seen ({@code PACKET_IGNORE_OUTGOING}). Sending bypasses
 * the qdisc ({@code PACKET_QDISC_BYPASS}) and comes two ways: {@link #send}/{@link #sendFrom}
 * is one {@code sendto} per frame straight from the mapped memory; with a TX ring
 * ({@link Geometry#txFrames()}), {@link #queueFrom} copies the frame into a mapped slot and
 * {@link #flush()} sends every queued frame with one {@code sendto} (faster under load: see
 * {@code DrPacketRateHarness}). Either way the frame must be complete: the
 * kernel does not finish checksums of what a packet socket sends. A frame whose
 * {@link #frameStatus()} has {@link #TP_STATUS_CSUMNOTREADY} (veth, and NICs with TX offload
 * looped back) carries only the pseudo-header sum in its TCP/UDP checksum field.
 *
 * <p>Threading: one thread reads and sends; nothing allocates after {@link #open}.
 */
public final class PacketRing implements Closeable {
    /** The frame's L4 checksum is partial: it holds the pseudo-header sum only ({@code CHECKSUM_PARTIAL}). */
    public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    /** The kernel (or NIC) verified the frame's L4 checksum. */
    public static final int TP_STATUS_CSUM_VALID = 1 << 7;
    /** Frames were dropped because the ring was full before this one. */
    public static final int TP_STATUS_LOSING = 1 << 2;

    private static final int TPACKET_REQ3_BYTES = 28;
    /** struct tpacket_stats_v3: tp_packets, tp_drops, tp_freeze_q_cnt, then a socklen_t. */
    private static final int STATISTICS_BYTES = 16;
    private static final int SOCKADDR_LL_BYTES = 20;
    private static final int POLLFD_BYTES = 8;
    private static final int TWO_POLLFDS_BYTES = 16;
    private static final int NOMINAL_FRAME_BYTES = 2048;
    /** Size of the scratch area of {@link #txBuffer()}. */
    public static final int TX_BUFFER_BYTES = 65536;


    private final String ifName;
    private final int ifIndex;
    private final long ringAddress;
    private final long ringBytes;
    private final long mappedBytes;
    private final RxRing rx;
    private final TxRing txRing;
    private final int blockBytes;
    private final int blockCount;
    private final ByteBuffer frames;
    private final ByteBuffer headers;
    private final Memory address = new Memory(SOCKADDR_LL_BYTES);
    private final Memory pollFd = new Memory(TWO_POLLFDS_BYTES);
    private final Memory tx = new Memory(TX_BUFFER_BYTES);
    private final long txAddress = Pointer.nativeValue(tx);
    private final ByteBuffer txView = tx.getByteBuffer(0, TX_BUFFER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private final String sendOperation;
    private int fd;
    private final Memory statistics = new Memory(STATISTICS_BYTES);
    private final Pointer statisticsLength = statistics.share(12);
    private long receivedFrames;
    private long droppedFrames;
    private long sendErrors;
    private int lastSendErrno;

    /**
     * The rings' shape: {@code blockCount} receive blocks of {@code blockBytes} (a power of two, at
     * least a page, larger than the largest frame expected), each retired to user space when full
     * or after {@code blockTimeoutMillis}; and {@code txFrames} TX ring slots (0: no TX ring).
     *
     * <p>The timeout bounds the latency a lone frame sees, but at low rates every block then
     * carries only what arrived within one timeout: the ring rides out a stall of the reader (a
     * GC pause) of about {@code blockCount x blockTimeoutMillis}, however large the blocks. Hence
     * many small blocks.
     */
    public record Geometry(int blockBytes, int blockCount, int blockTimeoutMillis, int txFrames) {
        /**
         * 256 blocks of 32 KiB (8 MiB: 5,000 full-size frames, or a 256 ms stall at low rates),
         * retired after 1 ms; a TX ring of 512 frames. GRO/GSO frames above 32 KiB are cut.
         */
        public static final Geometry DEFAULT = new Geometry(32 * 1024, 256, 1, 512);

        /** A receive ring only: frames are sent with one {@code sendto} each. */
        public Geometry(int blockBytes, int blockCount, int blockTimeoutMillis) {
            this(blockBytes, blockCount, blockTimeoutMillis, 0);
        }

        public Geometry {
            if (blockBytes < 4096 || Integer.bitCount(blockBytes) != 1) {
                throw new IllegalArgumentException("blockBytes=" + blockBytes + " must be a power of two >= 4096");
            }
            if (blockCount < 1 || (long) blockBytes * blockCount > (1L << 30)) {
                throw new IllegalArgumentException("blockCount=" + blockCount + " must be >= 1 and the ring <= 1 GiB");
            }
            if (blockTimeoutMillis < 1 || blockTimeoutMillis > 1000) {
                throw new IllegalArgumentException("blockTimeoutMillis=" + blockTimeoutMillis + " must be in [1, 1000]");
            }
            if (txFrames < 0 || txFrames % TxRing.FRAMES_PER_BLOCK != 0 || txFrames > 65536) {
                throw new IllegalArgumentException("txFrames=" + txFrames + " must be a multiple of "
                        + TxRing.FRAMES_PER_BLOCK + " in [0, 65536]");
            }
        }

        /** This geometry with a TX ring of {@code frames} slots (0: none). */
        public Geometry withTxFrames(int frames) {
            return new Geometry(blockBytes, blockCount, blockTimeoutMillis, frames);
        }
    }

    private PacketRing(String ifName, int ifIndex, int fd, long ringAddress, Geometry geometry) {
        this.ifName = ifName;
        this.ifIndex = ifIndex;
        this.fd = fd;
        this.ringAddress = ringAddress;
        this.blockBytes = geometry.blockBytes();
        this.blockCount = geometry.blockCount();
        this.ringBytes = (long) blockBytes * blockCount;
        this.mappedBytes = ringBytes + TxRing.bytesFor(geometry.txFrames());
        ByteBuffer view = new Pointer(ringAddress).getByteBuffer(0, mappedBytes);
        this.frames = view.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.headers = view.duplicate().order(ByteOrder.nativeOrder());
        this.rx = new RxRing(headers, blockBytes, blockCount);
        this.txRing = geometry.txFrames() == 0 ? null
                : new TxRing(frames, headers, (int) ringBytes, geometry.txFrames());
        this.sendOperation = "sendto(AF_PACKET ring, " + ifName + " ifindex=" + ifIndex + ")";
        address.clear();
        address.setShort(0, (short) LibC.AF_PACKET);
        address.setInt(4, ifIndex);
    }

    /**
     * Opens a ring on {@code ifName} receiving every EtherType.
     *
     * @param fanoutGroup a {@code PACKET_FANOUT} group id (0..65535) to share the interface's
     *     frames, by flow hash, with the other rings of the same group; -1 for none
     * @throws LinuxException if the interface does not exist, the caller lacks CAP_NET_RAW, or
     *     the kernel refuses the ring
     */
    public static PacketRing open(String ifName, Geometry geometry, int fanoutGroup) throws LinuxException {
        return open(ifName, geometry, fanoutGroup, null);
    }

    /**
     * As {@link #open(String, Geometry, int)}, with {@code filter} attached before the socket is
     * bound, so that not even the first frames escape it (null: no filter).
     */
    public static PacketRing open(String ifName, Geometry geometry, int fanoutGroup, BpfProgram filter)
            throws LinuxException {
        if (fanoutGroup < -1 || fanoutGroup > 0xFFFF) {
            throw new IllegalArgumentException("fanoutGroup=" + fanoutGroup + " must be -1 or 0..65535");
        }
        int ifIndex = Links.index(ifName);
        int fd = LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw LinuxException.lastError("socket(AF_PACKET, SOCK_RAW) for ring on " + ifName);
        }
        long mappedBytes = (long) geometry.blockBytes() * geometry.blockCount() + TxRing.bytesFor(geometry.txFrames());
        long mapped = LibC.MAP_FAILED;
        try (Memory option = new Memory(TPACKET_REQ3_BYTES); Memory bindAddress = new Memory(SOCKADDR_LL_BYTES)) {
            setInt(fd, LibC.PACKET_VERSION, LibC.TPACKET_V3, option, "PACKET_VERSION=TPACKET_V3", ifName);
            setInt(fd, LibC.PACKET_IGNORE_OUTGOING, 1, option, "PACKET_IGNORE_OUTGOING", ifName);
            setInt(fd, LibC.PACKET_QDISC_BYPASS, 1, option, "PACKET_QDISC_BYPASS", ifName);
            // Without PACKET_LOSS a frame the kernel rejects from the TX ring (e.g. over the MTU)
            // stays in its slot as WRONG_FORMAT and every later frame waits behind it for ever.
            // It must be set before any ring.
            setInt(fd, LibC.PACKET_LOSS, 1, option, "PACKET_LOSS", ifName);
            option.clear();
            option.setInt(0, geometry.blockBytes());
            option.setInt(4, geometry.blockCount());
            option.setInt(8, NOMINAL_FRAME_BYTES);
            option.setInt(12, geometry.blockBytes() / NOMINAL_FRAME_BYTES * geometry.blockCount());
            option.setInt(16, geometry.blockTimeoutMillis());
            if (LibC.setsockopt(fd, LibC.SOL_PACKET, LibC.PACKET_RX_RING, option, TPACKET_REQ3_BYTES) < 0) {
                throw LinuxException.lastError("setsockopt(PACKET_RX_RING " + geometry + ") on " + ifName);
            }
            if (geometry.txFrames() > 0) {
                option.clear();
                option.setInt(0, TxRing.BLOCK_BYTES);
                option.setInt(4, geometry.txFrames() / TxRing.FRAMES_PER_BLOCK);
                option.setInt(8, TxRing.FRAME_BYTES);
                option.setInt(12, geometry.txFrames());
                if (LibC.setsockopt(fd, LibC.SOL_PACKET, LibC.PACKET_TX_RING, option, TPACKET_REQ3_BYTES) < 0) {
                    throw LinuxException.lastError("setsockopt(PACKET_TX_RING " + geometry.txFrames() + " frames) on "
                            + ifName);
                }
            }
            mapped = LibC.mmap(0, mappedBytes, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
            if (mapped == LibC.MAP_FAILED) {
                throw LinuxException.lastError("mmap(" + mappedBytes + " bytes of rings on " + ifName + ")");
            }
            if (filter != null) {
                attachFilter(fd, filter, ifName);
            }
            bindAddress.clear();
            bindAddress.setShort(0, (short) LibC.AF_PACKET);
            bindAddress.setShort(2, Short.reverseBytes((short) PacketSocket.ETH_P_ALL));
            bindAddress.setInt(4, ifIndex);
            if (LibC.bind(fd, bindAddress, SOCKADDR_LL_BYTES) < 0) {
                throw LinuxException.lastError("bind(AF_PACKET ring, " + ifName + " ifindex=" + ifIndex + ")");
            }
            if (fanoutGroup >= 0) {
                int value = fanoutGroup | (LibC.PACKET_FANOUT_HASH | LibC.PACKET_FANOUT_FLAG_DEFRAG) << 16;
                setInt(fd, LibC.PACKET_FANOUT, value, option, "PACKET_FANOUT group " + fanoutGroup, ifName);
            }
            return new PacketRing(ifName, ifIndex, fd, mapped, geometry);
        } catch (LinuxException | RuntimeException e) {
            if (mapped != LibC.MAP_FAILED) {
                LibC.munmap(mapped, mappedBytes);
            }
            LibC.close(fd);
            throw e;
        }
    }

    private static void setInt(int fd, int name, int value, Memory option, String what, String ifName)
            throws LinuxException {
        option.setInt(0, value);
        if (LibC.setsockopt(fd, LibC.SOL_PACKET, name, option, 4) < 0) {
            throw LinuxException.lastError("setsockopt(" + what + ") on " + ifName);
        }
    }

    /**
     * Attaches a classic BPF program: only frames it accepts reach the ring from now on; frames
     * already in the ring stay (attach at {@link #open(String, Geometry, int, BpfProgram)} to
     * filter from the first frame).
     */
    public void attachFilter(BpfProgram program) throws LinuxException {
        attachFilter(openFd(), program, ifName);
    }

    private static void attachFilter(int fd, BpfProgram program, String ifName) throws LinuxException {
        try (Memory code = program.toNative(); Memory fprog = new Memory(16)) {
            fprog.clear();
            fprog.setShort(0, (short) program.length());
            fprog.setPointer(8, code);
            if (LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, fprog, 16) < 0) {
                throw LinuxException.lastError("setsockopt(SO_ATTACH_FILTER, " + program.length()
                        + " instructions) on " + ifName);
            }
        }
    }

    /** The interface name. */
    public String ifName() {
        return ifName;
    }

    /** The kernel index of the interface. */
    public int ifIndex() {
        return ifIndex;
    }

    /**
     * The whole mapped ring, big-endian (network order): frame bytes are at
     * {@link #frameOffset()} for {@link #frameLength()} bytes. Shares the ring's memory.
     */
    public ByteBuffer buffer() {
        return frames;
    }

    /**
     * Waits up to {@code timeoutMillis} until a frame can be walked.
     *
     * @return whether {@link #nextFrame()} now has something to return
     */
    public boolean awaitFrames(int timeoutMillis) throws LinuxException {
        if (rx.hasFrames()) {
            return true;
        }
        pollFd.setInt(0, openFd());
        pollFd.setShort(4, (short) LibC.POLLIN);
        pollFd.setShort(6, (short) 0);
        int ready = LibC.poll(pollFd, 1, timeoutMillis);
        if (ready < 0 && LibC.errno() != Errno.EINTR) {
            throw LinuxException.lastError("poll(AF_PACKET ring, " + ifName + ")");
        }
        return rx.hasFrames();
    }

    /**
     * Waits up to {@code timeoutMillis} until this ring or {@code other} has a frame to walk (one
     * thread serving two interfaces, e.g. the clients' and the NAT servers').
     *
     * @return whether either ring now has something for {@link #nextFrame()}
     */
    public boolean awaitFrames(PacketRing other, int timeoutMillis) throws LinuxException {
        if (rx.hasFrames() || other.rx.hasFrames()) {
            return true;
        }
        pollFd.setInt(0, openFd());
        pollFd.setShort(4, (short) LibC.POLLIN);
        pollFd.setShort(6, (short) 0);
        pollFd.setInt(8, other.openFd());
        pollFd.setShort(12, (short) LibC.POLLIN);
        pollFd.setShort(14, (short) 0);
        int ready = LibC.poll(pollFd, 2, timeoutMillis);
        if (ready < 0 && LibC.errno() != Errno.EINTR) {
            throw LinuxException.lastError("poll(AF_PACKET rings, " + ifName + ", " + other.ifName + ")");
        }
        return rx.hasFrames() || other.rx.hasFrames();
    }

    /**
     * Moves to the next received frame, handing used-up blocks back to the kernel.
     *
     * @return false if no frame is waiting (the current frame is then gone)
     */
    public boolean nextFrame() {
        return rx.next();
    }

    /** Offset in {@link #buffer()} of the current frame's first byte (its destination MAC). */
    public int frameOffset() {
        return rx.frameOffset();
    }

    /** Bytes of the current frame in the ring (its snap length). */
    public int frameLength() {
        return rx.frameLength();
    }

    /** Bytes the frame had on the wire (more than {@link #frameLength()} if it was cut). */
    public int wireLength() {
        return rx.wireLength();
    }

    /** The frame's {@code tp_status}: {@link #TP_STATUS_CSUMNOTREADY}, {@link #TP_STATUS_CSUM_VALID}, ... */
    public int frameStatus() {
        return rx.frameStatus();
    }

    /**
     * Sends {@code length} bytes at {@code offset} of this ring's {@link #buffer()} as one frame on
     * this interface.
     *
     * @return whether the kernel took it; a refusal is counted ({@link #sendErrors()})
     */
    public boolean send(int offset, int length) {
        return sendAddress(ringAddress + checkRange(offset, length, ringBytes), length);
    }

    /** Sends a frame that lies in another ring's memory (e.g. the client side's) on this interface. */
    public boolean sendFrom(PacketRing source, int offset, int length) {
        return sendAddress(source.ringAddress + checkRange(offset, length, source.ringBytes), length);
    }

    /** A scratch area of {@link #TX_BUFFER_BYTES} (big-endian) for frames built rather than forwarded. */
    public ByteBuffer txBuffer() {
        return txView;
    }

    /** Sends the first {@code length} bytes of {@link #txBuffer()} as one frame on this interface. */
    public boolean sendTxBuffer(int length) {
        return sendAddress(txAddress + checkRange(0, length, TX_BUFFER_BYTES), length);
    }

    /** Whether frames can be queued on a TX ring ({@link Geometry#txFrames()} above 0). */
    public boolean hasTxRing() {
        return txRing != null;
    }

    /**
     * Queues a frame lying in {@code source}'s receive ring (this ring's own or another's) on this
     * interface's TX ring: a copy into a free slot, no system call until {@link #flush()} (or
     * until half the slots are queued). A frame longer than a slot (2000 bytes) is sent at once
     * with {@code sendto}, after the queue.
     *
     * @return false if the kernel refused the frame (counted in {@link #sendErrors()}); a frame
     *         that finds the TX ring full even after a flush is sent on its own instead
     * @throws IllegalStateException without a TX ring
     */
    public boolean queueFrom(PacketRing source, int offset, int length) {
        checkRange(offset, length, source.ringBytes);
        return enqueue(source.frames, source.ringAddress, offset, length);
    }

    /** Queues the first {@code length} bytes of {@link #txBuffer()}, as {@link #queueFrom}. */
    public boolean queueTxBuffer(int length) {
        checkRange(0, length, TX_BUFFER_BYTES);
        return enqueue(txView, txAddress, 0, length);
    }

    private boolean enqueue(ByteBuffer src, long srcAddress, int offset, int length) {
        if (txRing == null) {
            throw new IllegalStateException("packet ring on " + ifName + " has no TX ring");
        }
        if (length > TxRing.MAX_FRAME_BYTES) {
            flush();
            return sendAddress(srcAddress + offset, length);
        }
        if (!txRing.hasRoom()) {
            flush();
            if (!txRing.hasRoom()) {
                // The kernel has not taken the slot back: after the link went down and up, its
                // walk of the ring can stop at a slot we already reused and resumes only when we
                // come round to it again. Send this frame on its own rather than drop it.
                txRingFull++;
                return sendAddress(srcAddress + offset, length);
            }
        }
        txRing.enqueue(src, offset, length);
        if (txRing.pending() >= txRing.frames() / 2) {
            flush();
        }
        return true;
    }

    /** Makes the kernel send every frame queued on the TX ring: one {@code sendto}, if any are queued. */
    public void flush() {
        if (txRing == null || txRing.pending() == 0) {
            return;
        }
        txRing.onKicked();
        if (LibC.sendto(openFd(), 0L, 0, LibC.MSG_DONTWAIT, null, 0) < 0) {
            int errno = LibC.errno();
            if (errno != Errno.EAGAIN) {
                sendErrors++;
                lastSendErrno = errno;
            }
        }
    }

    private static long checkRange(int offset, int length, long limit) {
        if (offset < 0 || length <= 0 || offset + (long) length > limit) {
            throw new IndexOutOfBoundsException("frame at " + offset + " of " + length + " bytes outside "
                    + limit + " bytes");
        }
        return offset;
    }

    private long txRingFull;

    /** Frames sent one by one because the TX ring had no free slot even after a flush. */
    public long txRingFullSends() {
        return txRingFull;
    }

    private boolean sendAddress(long from, int length) {
        long sent = LibC.sendto(openFd(), from, length, 0, address, SOCKADDR_LL_BYTES);
        if (sent < 0) {
            sendErrors++;
            lastSendErrno = LibC.errno();
            return false;
        }
        return true;
    }

    /**
     * Reads the kernel's counters of this socket ({@code PACKET_STATISTICS}, which resets them)
     * into {@link #receivedFrames()} and {@link #droppedFrames()}. A system call: call it from a
     * timer, not per frame.
     */
    public void readStatistics() throws LinuxException {
        statistics.clear();
        statistics.setInt(12, 12);
        if (LibC.getsockopt(openFd(), LibC.SOL_PACKET, LibC.PACKET_STATISTICS, statistics, statisticsLength) < 0) {
            throw LinuxException.lastError("getsockopt(PACKET_STATISTICS) on " + ifName);
        }
        receivedFrames += statistics.getInt(0) & 0xFFFF_FFFFL;
        droppedFrames += statistics.getInt(4) & 0xFFFF_FFFFL;
    }

    /** Frames the kernel handed to this ring (dropped ones included), as of {@link #readStatistics()}. */
    public long receivedFrames() {
        return receivedFrames;
    }

    /** Frames lost because the ring was full (user space too slow), as of {@link #readStatistics()}. */
    public long droppedFrames() {
        return droppedFrames;
    }

    /** Frames the kernel refused to send (e.g. longer than the MTU, link down). */
    public long sendErrors() {
        return sendErrors;
    }

    /**
     * The errno of the last refused send, as a {@link LinuxException} for logging (allocates; not
     * for the packet path), or null if none was refused.
     */
    public LinuxException lastSendError() {
        return sendErrors == 0 ? null : new LinuxException(sendOperation, lastSendErrno);
    }

    private int openFd() {
        if (fd < 0) {
            throw new IllegalStateException("packet ring on " + ifName + " is closed");
        }
        return fd;
    }

    /** Unmaps the ring and closes the socket; idempotent. Not concurrently with reading or sending. */
    @Override
    public void close() {
        if (fd >= 0) {
            LibC.munmap(ringAddress, mappedBytes);
            LibC.close(fd);
            fd = -1;
            address.close();
            pollFd.close();
            tx.close();
            statistics.close();
        }
    }

    @Override
    public String toString() {
        return "PacketRing[" + ifName + " ifindex=" + ifIndex + " " + blockCount + "x" + blockBytes + "]";
    }
}
