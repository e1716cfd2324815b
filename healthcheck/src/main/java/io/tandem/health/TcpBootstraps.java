package io.tandem.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * TCP client bootstraps for IPv4 and IPv6 targets: a socket of the target's family, not a
 * dual-stack IPv6 one (which costs two more system calls per check).
 */
record TcpBootstraps(Bootstrap v4, Bootstrap v6) {
    /** Per-loop bootstraps of both families, each with {@code handler} if not null. */
    PerLoop bind(LoopStarter.Ring loops, ChannelHandler handler, boolean autoRead) {
        Bootstrap a = v4.clone().option(ChannelOption.AUTO_READ, autoRead);
        Bootstrap b = v6.clone().option(ChannelOption.AUTO_READ, autoRead);
        if (handler != null) {
            a.handler(handler);
            b.handler(handler);
        }
        return new PerLoop(loops.bind(a), loops.bind(b));
    }

    /** The bootstraps bound to each loop of a {@link LoopStarter.Ring}, by family. */
    record PerLoop(Bootstrap[] v4, Bootstrap[] v6) {
        Bootstrap get(LoopStarter starter, InetSocketAddress target) {
            return (target.getAddress() instanceof Inet4Address ? v4 : v6)[starter.index()];
        }
    }
}
