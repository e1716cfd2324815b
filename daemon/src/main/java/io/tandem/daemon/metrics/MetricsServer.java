package io.tandem.daemon.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus endpoint of ha.cf's {@code metrics_address}: an HTTP server bound to that one
 * address, answering {@code GET /metrics} (Prometheus text format, or OpenMetrics when the scraper
 * asks for it, as the official client's handler negotiates) and 404 to any other path, 405 to any
 * other method. Scrapes are served one at a time on one daemon thread, {@code tandem-metrics}.
 * Nothing listens unless the daemon starts one; {@link #close} stops listening at once.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** The one path served. */
    public static final String PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService thread;
    private final GcPauses gc;

    private MetricsServer(HttpServer server, ExecutorService thread, GcPauses gc) {
        this.server = server;
        this.thread = thread;
        this.gc = gc;
    }

    /**
     * Binds {@code address} and serves {@code collector}'s families plus {@code tandem_gc_pause_seconds}.
     *
     * @throws IOException naming the address if it cannot be bound (in use, not local)
     */
    public static MetricsServer start(InetSocketAddress address, TandemCollector collector) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        GcPauses gc = new GcPauses(registry);
        MetricsHandler metrics = new MetricsHandler(registry);
        HttpServer server;
        try {
            server = HttpServer.create(address, 8);
        } catch (IOException e) {
            gc.close();
            throw new IOException("ha.cf metrics_address " + text(address) + ": cannot listen: " + e.getMessage(), e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals(PATH)) {
                    refuse(exchange, 404, "only " + PATH + " is served here\n");
                } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    refuse(exchange, 405, PATH + " answers GET and HEAD\n");
                } else {
                    metrics.handle(exchange);
                }
            }
        });
        ExecutorService thread = Executors.newSingleThreadExecutor(new DefaultThreadFactory("tandem-metrics", true));
        server.setExecutor(thread);
        server.start();
        LOG.info("metrics: Prometheus endpoint http://{}{}", text(address), PATH);
        return new MetricsServer(server, thread, gc);
    }

    /** The address it listens on (with the port the kernel chose, if the config said 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void refuse(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String text(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
        gc.close();
    }
}
