package io.tandem.sync;

/**
 * Replay protection for the peer's control datagrams (STATUS, ACK, NACK, BULK_REQUEST): the last
 * 64 control sequences of the peer's current generation, one bit each (RFC 4303's anti-replay
 * window). Two threads of the peer send controls, so a little reordering is accepted; a sequence
 * seen already, one further back than the window, or one of an older generation is refused.
 * Allocation-free; owned by the receive thread.
 */
final class ControlWindow {
    private long generation;
    private long top;
    private long bits;

    /** Whether the control {@code sequence} of {@code generation} is new; if so it is recorded. */
    boolean accept(long generation, long sequence) {
        if (generation > this.generation) {
            this.generation = generation;
            top = sequence;
            bits = 1;
            return true;
        }
        if (generation < this.generation) {
            return false;
        }
        if (sequence > top) {
            long shift = sequence - top;
            bits = shift >= 64 ? 1 : (bits << shift) | 1;
            top = sequence;
            return true;
        }
        long behind = top - sequence;
        if (behind >= 64 || (bits & (1L << behind)) != 0) {
            return false;
        }
        bits |= 1L << behind;
        return true;
    }
}
