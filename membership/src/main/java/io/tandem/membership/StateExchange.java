package io.tandem.membership;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The bulk state one director hands the other on request: the connection table, so that a
 * backup which (re)joins holds every established connection before it may need them. The bytes
 * travel in ordinary channel messages, so they are sealed like everything else.
 *
 * <p>Both methods run on JGroups threads. {@link #writeState} runs on the node asked for its
 * state and should copy a consistent snapshot (from the thread that owns the table) and stream
 * that; {@link #readState} runs on the node that called {@link Membership#requestState} while that
 * call waits, and should hand what it read to the owning thread.
 */
public interface StateExchange {

    /** Writes this node's state. Do not close {@code out}. */
    void writeState(OutputStream out) throws IOException;

    /** Reads the state the peer wrote, to the end of {@code in}. Do not close {@code in}. */
    void readState(InputStream in) throws IOException;
}
