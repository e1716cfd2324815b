package io.tandem.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Addresses and simple peers on loopback for the probe tests. */
final class Servers {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Servers() {
    }

    static CheckedServer at(int port, CheckDefinition check) {
        return CheckedServer.tcp(new InetSocketAddress(LOOPBACK, 80), new InetSocketAddress(LOOPBACK, port), check);
    }

    static CheckedServer udpAt(int port, CheckDefinition check) {
        return new CheckedServer(LOOPBACK, 53, 0, "udp", new InetSocketAddress(LOOPBACK, port), true, check, 0);
    }

    /** A port on 127.0.0.1 where nothing listens (bound once, then closed). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /** A TCP listener that accepts connections and never says or reads anything. */
    static final class Silent implements AutoCloseable {
        final ServerSocket socket;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread thread;

        Silent() throws IOException {
            socket = new ServerSocket(0, 50, LOOPBACK);
            thread = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = socket.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (IOException closed) {
                    // close() ends the accept loop
                }
            }, "silent-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
            thread.join(5_000);
        }
    }
}
