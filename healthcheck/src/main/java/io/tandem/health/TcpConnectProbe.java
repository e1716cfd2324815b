package io.tandem.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;

/**
 * {@code checktype=connect} for TCP: the three-way handshake completes, then the connection is
 * closed. Runs on the Netty event loop.
 */
final class TcpConnectProbe implements Probe {
    private static final ChannelHandler NOTHING = new Nothing();

    private final Bootstrap bootstrap;

    TcpConnectProbe(Bootstrap bootstrap) {
        this.bootstrap = bootstrap.clone().handler(NOTHING);
    }

    @Override
    public Cancellable start(CheckedServer server, long timeoutNanos, Outcome done) {
        InetSocketAddress target = server.checkAddress();
        String what = HealthEngine.describe(CheckType.CONNECT, server);
        ChannelFuture f = bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, NettyProbes.millis(timeoutNanos))
                .connect(target);
        f.addListener((ChannelFuture cf) -> {
            if (cf.isSuccess()) {
                NettyProbes.close(cf.channel());
                done.complete(true, what + ": connected");
            } else if (!cf.isCancelled()) {
                done.complete(false, what + ": " + BlockingProbe.explain(cf.cause()));
            }
        });
        return () -> {
            f.cancel(false);
            NettyProbes.close(f.channel());
        };
    }

    /** The connected channel is closed at once; it needs a handler, not one that does anything. */
    @ChannelHandler.Sharable
    private static final class Nothing extends ChannelInboundHandlerAdapter {
    }
}
