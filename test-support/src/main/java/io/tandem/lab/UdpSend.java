package io.tandem.lab;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Base64;

/**
 * Sends datagrams given in Base64 to {@code HOST:PORT}, one per argument, in order. Lets a test
 * inject forged or replayed packets from inside a namespace: {@code UdpSend HOST PORT B64...}.
 */
public final class UdpSend {
    private UdpSend() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        try (DatagramChannel ch = DatagramChannel.open()) {
            for (int i = 2; i < args.length; i++) {
                ch.send(ByteBuffer.wrap(Base64.getDecoder().decode(args[i])), target);
            }
        }
    }
}
