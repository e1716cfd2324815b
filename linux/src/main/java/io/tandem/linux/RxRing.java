package io.tandem.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The walk over a {@link PacketRing}'s TPACKET_V3 receive blocks: which block user space owns,
 * which frame of it is current, and handing used-up blocks back to the kernel. Layout in
 * {@link PacketRing}; one thread; allocation-free.
 */
final class RxRing {
    private static final int TP_STATUS_KERNEL = 0;
    private static final int TP_STATUS_USER = 1;
    private static final int BLOCK_STATUS_OFFSET = 8;
    private static final int BLOCK_PACKETS_OFFSET = 12;
    private static final int BLOCK_FIRST_OFFSET = 16;
    private static final int FRAME_NEXT_OFFSET = 0;
    private static final int FRAME_SNAPLEN_OFFSET = 12;
    private static final int FRAME_LEN_OFFSET = 16;
    private static final int FRAME_STATUS_OFFSET = 20;
    private static final int FRAME_MAC_OFFSET = 24;
    private static final VarHandle INT_VIEW = MethodHandles.byteBufferViewVarHandle(int[].class,
            ByteOrder.nativeOrder());

    private final ByteBuffer headers;
    private final int blockBytes;
    private final int blockCount;
    private int block;
    private boolean blockOwned;
    private int framesLeft;
    private int frameHeader = -1;
    private int nextFrameHeader;

    RxRing(ByteBuffer headers, int blockBytes, int blockCount) {
        this.headers = headers;
        this.blockBytes = blockBytes;
        this.blockCount = blockCount;
    }

    /** Whether {@link #next()} has a frame to return without waiting. */
    boolean hasFrames() {
        return framesLeft > 0 || isUserBlock(block);
    }

    /** Moves to the next frame; false (and no current frame) if none is waiting. */
    boolean next() {
        if (framesLeft == 0) {
            if (blockOwned) {
                releaseBlock();
            }
            if (!isUserBlock(block)) {
                frameHeader = -1;
                return false;
            }
            blockOwned = true;
            int start = block * blockBytes;
            framesLeft = headers.getInt(start + BLOCK_PACKETS_OFFSET);
            nextFrameHeader = start + headers.getInt(start + BLOCK_FIRST_OFFSET);
            if (framesLeft == 0) {
                return next();
            }
        }
        frameHeader = nextFrameHeader;
        nextFrameHeader = frameHeader + headers.getInt(frameHeader + FRAME_NEXT_OFFSET);
        framesLeft--;
        return true;
    }

    private boolean isUserBlock(int b) {
        int status = (int) INT_VIEW.getAcquire(headers, b * blockBytes + BLOCK_STATUS_OFFSET);
        return (status & TP_STATUS_USER) != 0;
    }

    private void releaseBlock() {
        INT_VIEW.setRelease(headers, block * blockBytes + BLOCK_STATUS_OFFSET, TP_STATUS_KERNEL);
        blockOwned = false;
        block = block + 1 == blockCount ? 0 : block + 1;
    }

    int frameOffset() {
        return frameHeader + (headers.getShort(frameHeader + FRAME_MAC_OFFSET) & 0xFFFF);
    }

    int frameLength() {
        return headers.getInt(frameHeader + FRAME_SNAPLEN_OFFSET);
    }

    int wireLength() {
        return headers.getInt(frameHeader + FRAME_LEN_OFFSET);
    }

    int frameStatus() {
        return headers.getInt(frameHeader + FRAME_STATUS_OFFSET);
    }
}
