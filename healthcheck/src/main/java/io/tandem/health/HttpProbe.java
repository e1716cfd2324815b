package io.tandem.health;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * {@code service=http|https}, as ldirectord's check_http: one request ({@code request=} is the
 * path, or a URL whose path is used; {@code /} if unset) with {@code Host:} the
 * {@code virtualhost=} or the server's address; up if the status is the expected one (any 2xx
 * unless set) and, for GET, the body matches the {@code receive=} regular expression. HTTPS does
 * not verify the certificate unless the check asks for it; then it also checks the host name
 * ({@code virtualhost=}, else the address) against the certificate. Runs on the Netty event loop;
 * a server that never answers is the engine's to time out (it cancels the check, which closes the
 * connection), so no timer per check is needed here.
 */
final class HttpProbe implements Probe {
    /** Bodies larger than this fail the check rather than fill the heap. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private final LoopStarter.Ring loops;
    private final TcpBootstraps.PerLoop bootstraps;
    private final SslContext insecureTls;
    private final SslContext verifyingTls;
    /** Compiled {@code receive=} expressions: as many as the configuration has, compiled once. */
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    HttpProbe(TcpBootstraps tcp, LoopStarter.Ring loops, SslContext insecureTls, SslContext verifyingTls) {
        this.loops = loops;
        this.bootstraps = tcp.bind(loops, null, true);
        this.insecureTls = insecureTls;
        this.verifyingTls = verifyingTls;
    }

    @Override
    public Cancellable start(CheckedServer server, long timeoutNanos, Outcome done) {
        CheckDefinition check = server.check();
        InetSocketAddress target = server.checkAddress();
        boolean tls = check.service() == Service.HTTPS;
        String host = check.virtualhost() != null ? check.virtualhost()
                : CheckedServer.hostPort(target.getAddress(), target.getPort());
        String tlsName = check.virtualhost() != null ? stripPort(check.virtualhost()) : target.getAddress().getHostAddress();
        String what = HealthEngine.describe(CheckType.NEGOTIATE, server);
        HttpMethod method = HttpMethod.valueOf(check.httpMethod());
        String path = path(check.request());
        Pattern receive = check.receive() == null || check.receive().isEmpty() || method.equals(HttpMethod.HEAD)
                ? null : patterns.computeIfAbsent(check.receive(), Pattern::compile);
        int expected = check.expectedStatus();
        AtomicBoolean finished = new AtomicBoolean();
        Outcome once = (ok, reason) -> {
            if (finished.compareAndSet(false, true)) {
                done.complete(ok, reason);
            }
        };
        LoopStarter starter = loops.next();
        Attempt a = new Attempt();
        starter.submit(() -> {
            if (finished.get()) {
                return;
            }
            ChannelFuture f = bootstraps.get(starter, target).clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    if (tls) {
                        SslContext ctx = check.verifyTls() ? verifyingTls : insecureTls;
                        SslHandler ssl = ctx.newHandler(ch.alloc(), tlsName, target.getPort());
                        ch.pipeline().addLast(ssl);
                    }
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY_BYTES),
                            new ResponseHandler(what, expected, receive, once));
                }
            }).connect(target);
            a.future = f;
            f.addListener((ChannelFuture cf) -> {
                if (!cf.isSuccess()) {
                    if (!cf.isCancelled()) {
                        once.complete(false, what + ": " + BlockingProbe.explain(cf.cause()));
                    }
                    return;
                }
                FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path);
                request.headers().set(HttpHeaderNames.HOST, host)
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                        .set(HttpHeaderNames.USER_AGENT, "tandem-healthcheck")
                        .set(HttpHeaderNames.ACCEPT, "*/*");
                cf.channel().writeAndFlush(request);
            });
        });
        return () -> {
            finished.set(true);
            starter.submit(a::abort);
        };
    }

    /** One check's connection, touched only by the loop. */
    private static final class Attempt {
        ChannelFuture future;

        void abort() {
            if (future != null) {
                future.cancel(false);
                NettyProbes.close(future.channel());
            }
        }
    }

    /** The request path of {@code request=}: a path, a URL's path and query, or {@code /}. */
    static String path(String request) {
        if (request == null || request.isEmpty()) {
            return "/";
        }
        if (request.contains("://")) {
            URI uri = URI.create(request);
            String p = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return uri.getRawQuery() == null ? p : p + "?" + uri.getRawQuery();
        }
        return request.startsWith("/") ? request : "/" + request;
    }

    private static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final String what;
        private final int expected;
        private final Pattern receive;
        private final Outcome done;

        ResponseHandler(String what, int expected, Pattern receive, Outcome done) {
            this.what = what;
            this.expected = expected;
            this.receive = receive;
            this.done = done;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            int status = response.status().code();
            boolean statusOk = expected == 0 ? status / 100 == 2 : status == expected;
            if (!statusOk) {
                done.complete(false, what + ": HTTP " + status + ", expected " + (expected == 0 ? "2xx" : expected));
            } else if (receive != null && !receive.matcher(response.content().toString(StandardCharsets.UTF_8)).find()) {
                done.complete(false, what + ": HTTP " + status + " but the body does not match receive=\""
                        + receive.pattern() + "\"");
            } else {
                done.complete(true, what + ": HTTP " + status);
            }
            ctx.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
                done.complete(false, what + ": TLS handshake failed: " + e.cause().getMessage());
                ctx.close();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(false, what + ": connection closed before a complete response");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable c = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause;
            String why = c instanceof TooLongFrameException
                    ? "response body larger than " + MAX_BODY_BYTES + " bytes"
                    : c instanceof javax.net.ssl.SSLException ? "TLS: " + c.getMessage() : BlockingProbe.explain(c);
            done.complete(false, what + ": " + why);
            ctx.close();
        }
    }
}
