package io.tandem.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One request datagram and the first answer that belongs to it, on a connected Netty datagram
 * channel (so only the server's datagrams arrive, and an ICMP port unreachable fails the check at
 * once). Shared by the DNS, RADIUS and SIP probes.
 */
final class UdpExchange {
    /** What an answer means: null to ignore it and keep waiting, else the check's result. */
    record Verdict(boolean ok, String reason) {
    }

    private UdpExchange() {
    }

    /**
     * @param codecs  handlers put before the answer handler (decoders, encoders), or none
     * @param request built once the channel is connected (it may need the local address)
     * @param answer  judges each message that reaches the end of the pipeline
     */
    static Probe.Cancellable start(Bootstrap udp, InetSocketAddress target, String what, long timeoutNanos,
            java.util.function.Supplier<ChannelHandler[]> codecs, Function<Channel, Object> request,
            Function<Object, Verdict> answer, Probe.Outcome done) {
        AtomicBoolean finished = new AtomicBoolean();
        Probe.Outcome once = (ok, reason) -> {
            if (finished.compareAndSet(false, true)) {
                done.complete(ok, reason);
            }
        };
        ChannelFuture f = udp.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(codecs.get());
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        try {
                            Verdict v = answer.apply(msg);
                            if (v != null) {
                                once.complete(v.ok(), what + ": " + v.reason());
                                ctx.close();
                            }
                        } catch (RuntimeException e) {
                            once.complete(false, what + ": malformed answer: " + e.getMessage());
                            ctx.close();
                        } finally {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        if (cause instanceof PortUnreachableException) {
                            once.complete(false, what + ": port unreachable");
                            ctx.close();
                        }
                        // a datagram the codec cannot decode is not an answer: keep waiting
                    }
                });
            }
        }).connect(target);
        f.addListener((ChannelFuture cf) -> {
            if (!cf.isSuccess()) {
                once.complete(false, what + ": " + BlockingProbe.explain(cf.cause()));
                return;
            }
            // UDP has no connection to time out: without this, silence would last until the monitor's deadline
            cf.channel().eventLoop().schedule(() -> {
                once.complete(false, what + ": no answer within " + timeoutNanos / 1_000_000 + " ms");
                NettyProbes.close(cf.channel());
            }, timeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            cf.channel().writeAndFlush(request.apply(cf.channel())).addListener(w -> {
                if (!w.isSuccess()) {
                    once.complete(false, what + ": " + BlockingProbe.explain(w.cause()));
                }
            });
        });
        return () -> {
            finished.set(true);
            NettyProbes.close(f.channel());
        };
    }
}
