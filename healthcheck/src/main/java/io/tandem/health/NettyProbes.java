package io.tandem.health;

/** Helpers shared by the probes that run on Netty. */
final class NettyProbes {
    private NettyProbes() {
    }

    /** Closes {@code ch} if it is still registered (closing a deregistered channel throws in Netty 4.2). */
    static void close(io.netty.channel.Channel ch) {
        try {
            if (ch.isRegistered()) {
                ch.close();
            }
        } catch (IllegalStateException alreadyDeregistered) {
            // it closed between the test and the call: nothing left to close
        }
    }
}
