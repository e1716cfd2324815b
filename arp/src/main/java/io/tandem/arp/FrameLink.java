package io.tandem.arp;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One link the announcer sends whole Ethernet frames on: a {@link PacketSocketLink} in
 * production, a recorder in tests.
 */
public interface FrameLink extends Closeable {
    /** The link's own hardware address, 6 bytes; announcements carry it. */
    byte[] macAddress();

    /** Sends {@code frame.position()..limit()} as one frame. */
    void send(ByteBuffer frame) throws IOException;

    /** Releases the link; idempotent. */
    @Override
    void close();

    /** Opens the link of an interface by name. */
    @FunctionalInterface
    interface Opener {
        /**
         * Opens {@code ifName}.
         *
         * @throws IOException if there is no such interface or it cannot be used
         */
        FrameLink open(String ifName) throws IOException;
    }
}
