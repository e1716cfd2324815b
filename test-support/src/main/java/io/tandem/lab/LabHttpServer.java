package io.tandem.lab;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * A real HTTP server (the JDK's) for a lab real server, run as its own process inside the real
 * server's namespace: {@code LabHttpServer PORT[,PORT...] NAME}. Prints {@code READY} once it
 * listens on every port. It also echoes TCP on {@link #ECHO_PORT} (every byte back, as it came),
 * for {@link LabStreamClient}'s long-lived connections.
 *
 * <pre>
 *  GET /                    -&gt; "NAME\n"
 *  GET /big?bytes=N         -&gt; N pseudo-random bytes from a fixed seed, so the client can check
 *                              the SHA-256 ({@link #bigBodySha256}) without the server telling it
 *  GET /slow?seconds=S      -&gt; "NAME\n" once, then a line every 100 ms for S seconds (at most
 *                              120), then "NAME done\n": a connection that stays open a while
 * </pre>
 */
public final class LabHttpServer {
    static final long SEED = 0x7A4D_E3L;
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int MAX_SLOW_SECONDS = 120;
    /** The TCP echo port of every lab real server. */
    public static final int ECHO_PORT = 7000;

    private LabHttpServer() {
    }

    public static void main(String[] args) throws IOException {
        String name = args[1];
        for (String port : args[0].split(",")) {
            HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(port)), 128);
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.createContext("/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getPath();
                    String query = exchange.getRequestURI().getQuery();
                    if (path.equals("/big")) {
                        sendBig(exchange, Long.parseLong(query.replace("bytes=", "")));
                    } else if (path.equals("/slow")) {
                        sendSlowly(exchange, name, Math.min(MAX_SLOW_SECONDS, Integer.parseInt(query.replace("seconds=", ""))));
                    } else {
                        byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().add("Content-Type", "text/plain");
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                    }
                }
            });
            server.start();
        }
        Thread echo = new Thread(LabHttpServer::echo, "echo");
        echo.setDaemon(true);
        echo.start();
        System.out.println("READY");
        System.out.flush();
    }

    /**
     * Echoes what one connection sent. A connection that fails (a health check closes with a
     * reset) is closed alone: the server goes on for the others.
     */
    private static void echoOnce(java.nio.channels.SocketChannel c, java.nio.channels.SelectionKey key,
            java.nio.ByteBuffer buffer) {
        try {
            buffer.clear();
            if (c.read(buffer) < 0) {
                key.cancel();
                c.close();
                return;
            }
            buffer.flip();
            // Lines are tiny and the peer reads them at once: a write rarely leaves any.
            while (buffer.hasRemaining()) {
                if (c.write(buffer) == 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (IOException e) {
            key.cancel();
            try {
                c.close();
            } catch (IOException ignored) {
                // Already broken: nothing more to release.
            }
        }
    }

    /** Echoes every connection on {@link #ECHO_PORT} from one selector thread. */
    private static void echo() {
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open();
                java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(ECHO_PORT), 1024);
            server.configureBlocking(false);
            server.register(selector, java.nio.channels.SelectionKey.OP_ACCEPT);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(64 * 1024);
            while (true) {
                selector.select();
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    var key = it.next();
                    it.remove();
                    if (key.isAcceptable()) {
                        try {
                            java.nio.channels.SocketChannel c = server.accept();
                            if (c != null) {
                                c.configureBlocking(false);
                                c.register(selector, java.nio.channels.SelectionKey.OP_READ);
                            }
                        } catch (IOException e) {
                            // A connection reset before it was accepted: the next one is fine.
                        }
                    } else if (key.isReadable()) {
                        echoOnce((java.nio.channels.SocketChannel) key.channel(), key, buffer);
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("echo server failed: " + e);
        }
    }

    private static void sendBig(HttpExchange exchange, long bytes) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, bytes);
        OutputStream out = exchange.getResponseBody();
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] chunk = new byte[CHUNK_BYTES];
        for (long sent = 0; sent < bytes; sent += chunk.length) {
            fill(random, chunk);
            out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
        }
    }

    private static void sendSlowly(HttpExchange exchange, String name, int seconds) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        for (int i = 0; i < seconds * 10; i++) {
            // Pacing the stream is the point of this endpoint: the connection must stay open.
            LockSupport.parkNanos(100_000_000L);
            out.write(".\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        out.write((name + " done\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void fill(SplittableRandom random, byte[] chunk) {
        for (int i = 0; i < chunk.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                chunk[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }

    /** The SHA-256 of a downloaded file, to compare with {@link #bigBodySha256}. */
    public static byte[] sha256(java.nio.file.Path file) throws IOException {
        try (var in = java.nio.file.Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[CHUNK_BYTES];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of what {@code GET /big?bytes=N} sends, computed locally. */
    public static byte[] bigBodySha256(long bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            SplittableRandom random = new SplittableRandom(SEED);
            byte[] chunk = new byte[CHUNK_BYTES];
            for (long sent = 0; sent < bytes; sent += chunk.length) {
                fill(random, chunk);
                sha.update(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
