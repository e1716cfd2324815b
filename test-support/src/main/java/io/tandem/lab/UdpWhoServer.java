package io.tandem.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for the service behind a VIP: answers every UDP datagram on a port with this host's
 * name, so a client can see which director answered. Run inside a director's namespace:
 * {@code UdpWhoServer NAME PORT}. Ends when killed.
 */
public final class UdpWhoServer {
    private UdpWhoServer() {
    }

    public static void main(String[] args) throws IOException {
        String name = args[0];
        int port = Integer.parseInt(args[1]);
        byte[] answer = name.getBytes(StandardCharsets.UTF_8);
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(port));
            ByteBuffer in = ByteBuffer.allocate(512);
            while (true) {
                in.clear();
                SocketAddress from = ch.receive(in);
                in.flip();
                // Echo the request (a sequence number) after the name, so the client can match them.
                ByteBuffer out = ByteBuffer.allocate(answer.length + 1 + in.remaining());
                out.put(answer).put((byte) ' ').put(in).flip();
                ch.send(out, from);
            }
        }
    }
}
