package io.tandem.sync;

import java.nio.ByteBuffer;

/**
 * The last DATA datagrams sent, by sequence, ready to be sent again when the peer reports them
 * missing: a power-of-two ring of byte arrays, slot = sequence mod size, each with its length,
 * sequence and send time. All allocated at construction; the engine thread owns it.
 */
final class RetransmitRing {
    private final byte[][] slots;
    private final ByteBuffer[] views;
    private final long[] sequences;
    private final long[] sendNs;
    private final int[] lengths;
    private final int mask;

    RetransmitRing(int size) {
        if (Integer.bitCount(size) != 1 || size < 16) {
            throw new IllegalArgumentException("retransmit ring size=" + size + " must be a power of two >= 16");
        }
        slots = new byte[size][SyncCodec.MAX_DATAGRAM_BYTES];
        views = new ByteBuffer[size];
        for (int i = 0; i < size; i++) {
            views[i] = ByteBuffer.wrap(slots[i]);
        }
        sequences = new long[size];
        sendNs = new long[size];
        lengths = new int[size];
        mask = size - 1;
    }

    int size() {
        return slots.length;
    }

    /** The array to build datagram {@code sequence} in; it replaces the one {@code size} before. */
    byte[] claim(long sequence) {
        int i = (int) sequence & mask;
        sequences[i] = 0;
        lengths[i] = 0;
        return slots[i];
    }

    /** Datagram {@code sequence}, built in its claimed array, is {@code length} bytes and was sent at {@code nowNs}. */
    void commit(long sequence, int length, long nowNs) {
        int i = (int) sequence & mask;
        sequences[i] = sequence;
        lengths[i] = length;
        sendNs[i] = nowNs;
    }

    boolean contains(long sequence) {
        return sequence > 0 && sequences[(int) sequence & mask] == sequence;
    }

    /** A buffer over datagram {@code sequence}, positioned to send it; {@link #contains} first. */
    ByteBuffer datagram(long sequence) {
        int i = (int) sequence & mask;
        ByteBuffer v = views[i];
        v.limit(lengths[i]).position(0);
        return v;
    }

    /** When datagram {@code sequence} was first sent, 0 if no longer held. */
    long sendNs(long sequence) {
        return contains(sequence) ? sendNs[(int) sequence & mask] : 0;
    }
}
