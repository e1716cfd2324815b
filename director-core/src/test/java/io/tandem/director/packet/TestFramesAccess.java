package io.tandem.director.packet;

import java.nio.ByteBuffer;

/** {@link TestFrames} for tests of other packages. */
public final class TestFramesAccess {
    private TestFramesAccess() {
    }

    /** An IPv4 TCP/UDP frame at offset 0 with valid checksums. */
    public static ByteBuffer ipv4(int protocol, int source, int sourcePort, int destination, int destinationPort,
            int payloadBytes) {
        return TestFrames.ipv4(protocol, source, sourcePort, destination, destinationPort, payloadBytes, 0, 0,
                sourcePort);
    }

    public static boolean checksumsVerify(PacketView v) {
        return TestFrames.checksumsVerify(v);
    }

    public static void makePartial(PacketView v) {
        TestFrames.makePartial(v);
    }
}
