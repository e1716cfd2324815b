package io.tandem.health;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;

/**
 * {@code checktype=connect} for TCP: the three-way handshake completes, then the connection is
 * closed (with a reset: see {@link ProbeSet}). The connect is issued on the Netty event loop, in a
 * batch with the other checks the monitor started in the same pass; a check cancelled before the
 * loop reaches it opens no socket at all.
 */
final class TcpConnectProbe implements Probe {
    private static final ChannelHandler NOTHING = new Nothing();

    private final LoopStarter.Ring loops;
    private final TcpBootstraps.PerLoop bootstraps;

    TcpConnectProbe(TcpBootstraps tcp, LoopStarter.Ring loops) {
        this.loops = loops;
        // nothing is read: no read interest to register once connected
        this.bootstraps = tcp.bind(loops, NOTHING, false);
    }

    @Override
    public Cancellable start(CheckedServer server, long timeoutNanos, Outcome done) {
        InetSocketAddress target = server.checkAddress();
        LoopStarter starter = loops.next();
        Attempt a = new Attempt();
        starter.submit(() -> {
            if (a.cancelled) {
                return;
            }
            ChannelFuture f = bootstraps.get(starter, target).connect(target);
            a.future = f;
            f.addListener((ChannelFuture cf) -> {
                if (cf.isSuccess()) {
                    NettyProbes.close(cf.channel());
                    done.complete(true, HealthEngine.describe(CheckType.CONNECT, server) + ": connected");
                } else if (!cf.isCancelled()) {
                    done.complete(false, HealthEngine.describe(CheckType.CONNECT, server) + ": "
                            + BlockingProbe.explain(cf.cause()));
                }
            });
        });
        return () -> {
            a.cancelled = true;
            starter.submit(a::abort);
        };
    }

    /** One check's connection, touched by the loop; {@code cancelled} is also set by the monitor. */
    private static final class Attempt {
        volatile boolean cancelled;
        ChannelFuture future;

        void abort() {
            if (future != null) {
                future.cancel(false);
                NettyProbes.close(future.channel());
            }
        }
    }

    /** The connected channel is closed at once; it needs a handler, not one that does anything. */
    @ChannelHandler.Sharable
    private static final class Nothing extends ChannelInboundHandlerAdapter {
    }
}
