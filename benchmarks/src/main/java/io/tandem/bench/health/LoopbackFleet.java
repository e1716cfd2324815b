package io.tandem.bench.health;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The real servers of the health-check benchmark: one small Netty server listening on
 * {@code ports} consecutive ports from {@code firstPort} on each of the given loopback
 * addresses. Every connection that sends anything gets a minimal {@code HTTP/1.1 200} and is
 * closed; a connection that sends nothing (a connect check) is closed by its client. Runs on
 * Netty's epoll transport, one thread. Prints
 * {@code READY n} once all listeners are bound, and exits when its standard input closes.
 *
 * <p>Usage: {@code LoopbackFleet FIRST_PORT PORTS ADDRESS...}
 */
public final class LoopbackFleet {
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
            .getBytes(StandardCharsets.US_ASCII);

    private LoopbackFleet() {
    }

    public static void main(String[] args) throws Exception {
        int firstPort = Integer.parseInt(args[0]);
        int ports = Integer.parseInt(args[1]);
        Epoll.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ByteBuf response = Unpooled.unreleasableBuffer(Unpooled.directBuffer(RESPONSE.length).writeBytes(RESPONSE));
        ServerBootstrap b = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024).option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new Answer(response));
        List<Channel> listeners = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            InetAddress address = InetAddress.getByName(args[i]);
            for (int p = 0; p < ports; p++) {
                listeners.add(b.bind(new InetSocketAddress(address, firstPort + p)).sync().channel());
            }
        }
        System.out.println("READY " + listeners.size());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the harness closes our standard input when it is done
        }
        group.shutdownGracefully().sync();
    }

    @ChannelHandler.Sharable
    private static final class Answer extends ChannelInboundHandlerAdapter {
        private final ByteBuf response;

        Answer(ByteBuf response) {
            this.response = response;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (ctx.channel().attr(io.netty.util.AttributeKey.<Boolean>valueOf("answered")).setIfAbsent(true) == null) {
                ctx.writeAndFlush(response.duplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
