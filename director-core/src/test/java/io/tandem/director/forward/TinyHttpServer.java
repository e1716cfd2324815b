package io.tandem.director.forward;

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

/**
 * A real HTTP server (the JDK's) for the forwarding tests, run as its own process inside a real
 * server's namespace: {@code java -cp test-classes io.tandem.director.forward.TinyHttpServer PORT NAME}.
 * Prints {@code READY} when it listens.
 *
 * <pre>
 *  GET /                 -&gt; "NAME\n"
 *  GET /big?bytes=N      -&gt; N pseudo-random bytes from a fixed seed ({@link #bigBody}), so the
 *                           client can check the SHA-256 without the server telling it
 * </pre>
 */
public final class TinyHttpServer {
    static final long SEED = 0x7A4D_E3L;
    private static final int CHUNK_BYTES = 64 * 1024;

    private TinyHttpServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        String name = args[1];
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/big")) {
                    long bytes = Long.parseLong(exchange.getRequestURI().getQuery().replace("bytes=", ""));
                    sendBig(exchange, bytes);
                } else {
                    byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "text/plain");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            }
        });
        server.start();
        System.out.println("READY");
        System.out.flush();
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

    private static void fill(SplittableRandom random, byte[] chunk) {
        for (int i = 0; i < chunk.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                chunk[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }

    /** The SHA-256 of what {@code GET /big?bytes=N} sends, computed locally. */
    static byte[] bigBodySha256(long bytes) {
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
