package io.tandem.arp;

import io.tandem.linux.LinuxException;
import io.tandem.linux.Links;
import io.tandem.linux.PacketSocket;
import java.nio.ByteBuffer;

/**
 * A {@link FrameLink} over a send-only {@link PacketSocket}: it receives nothing, so no queue
 * builds up behind a socket that only announces.
 */
public final class PacketSocketLink implements FrameLink {
    private final PacketSocket socket;
    private final byte[] macAddress;

    private PacketSocketLink(PacketSocket socket, byte[] macAddress) {
        this.socket = socket;
        this.macAddress = macAddress;
    }

    /**
     * Opens a send-only packet socket on {@code ifName} and reads its MAC, in the calling thread's
     * network namespace.
     *
     * @throws LinuxException if the interface does not exist or is not Ethernet
     */
    public static PacketSocketLink open(String ifName) throws LinuxException {
        byte[] mac = Links.macAddress(ifName);
        return new PacketSocketLink(PacketSocket.openRaw(ifName, PacketSocket.ETH_P_NONE), mac);
    }

    @Override
    public byte[] macAddress() {
        return macAddress.clone();
    }

    @Override
    public void send(ByteBuffer frame) throws LinuxException {
        socket.send(frame);
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "PacketSocketLink[" + socket.ifName() + "]";
    }
}
