package io.tandem.lab;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A real HTTP server (the JDK's) for a lab real server: {@code GET /} answers the server's name.
 * Run inside the real server's namespace: {@code LabHttpServer PORT NAME}.
 */
public final class LabHttpServer {
    private LabHttpServer() {
    }

    public static void main(String[] args) throws IOException {
        byte[] body = (args[1] + "\n").getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(args[0])), 64);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }
}
