package io.tandem.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The memory-mapped transmit ring of a {@link PacketRing} ({@code PACKET_TX_RING}, fixed-size
 * frames in TPACKET_V3 format): frames are copied into free slots, marked
 * {@code TP_STATUS_SEND_REQUEST} (release store), and one {@code sendto(fd, NULL, 0)} makes the
 * kernel send every marked slot, handing each back as {@code TP_STATUS_AVAILABLE}.
 *
 * <pre>
 *  slot i at txBase + i * 2048:  tpacket3_hdr (tp_next_offset 0, tp_len at 16, tp_status at 20)
 *                                frame bytes at +48, up to 2000 bytes
 * </pre>
 */
final class TxRing {
    static final int FRAME_BYTES = 2048;
    static final int DATA_OFFSET = 48;
    static final int MAX_FRAME_BYTES = FRAME_BYTES - DATA_OFFSET;
    static final int BLOCK_BYTES = 64 * 1024;
    static final int FRAMES_PER_BLOCK = BLOCK_BYTES / FRAME_BYTES;

    private static final int TP_STATUS_SEND_REQUEST = 1;
    private static final int TP_STATUS_SENDING = 2;
    private static final int LEN_OFFSET = 16;
    private static final int STATUS_OFFSET = 20;
    private static final VarHandle INT_VIEW = MethodHandles.byteBufferViewVarHandle(int[].class,
            ByteOrder.nativeOrder());

    private final ByteBuffer data;
    private final ByteBuffer headers;
    private final int base;
    private final int frames;
    private int head;
    private int pending;

    TxRing(ByteBuffer data, ByteBuffer headers, int base, int frames) {
        this.data = data;
        this.headers = headers;
        this.base = base;
        this.frames = frames;
    }

    /** Bytes the ring maps for {@code frames} slots. */
    static long bytesFor(int frames) {
        return (long) frames * FRAME_BYTES;
    }

    /** Whether the next slot is free. */
    boolean hasRoom() {
        int status = (int) INT_VIEW.getAcquire(headers, base + head * FRAME_BYTES + STATUS_OFFSET);
        return (status & (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING)) == 0;
    }

    /** Copies a frame into the next slot (which must be free) and marks it for sending. */
    void enqueue(ByteBuffer src, int offset, int length) {
        int slot = base + head * FRAME_BYTES;
        data.put(slot + DATA_OFFSET, src, offset, length);
        headers.putInt(slot, 0);
        headers.putInt(slot + LEN_OFFSET, length);
        INT_VIEW.setRelease(headers, slot + STATUS_OFFSET, TP_STATUS_SEND_REQUEST);
        head = head + 1 == frames ? 0 : head + 1;
        pending++;
    }

    int pending() {
        return pending;
    }

    /** Called after a kick: what was marked is the kernel's now. */
    void onKicked() {
        pending = 0;
    }

    int frames() {
        return frames;
    }
}
