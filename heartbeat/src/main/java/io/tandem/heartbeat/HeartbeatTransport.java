package io.tandem.heartbeat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.tandem.config.AuthKeys;
import io.tandem.config.HaConfig;
import io.tandem.config.UcastMedium;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends and receives heartbeats over UDP (ucast medium) with Netty, on epoll where the native
 * transport is available and NIO otherwise.
 *
 * <p>Receive path, on the event loop, per datagram: count it, {@link HeartbeatCodec#decode},
 * then drop {@link DropReason#FROM_SELF} (our own node name), {@link DropReason#UNKNOWN_NODE}
 * (not the expected peer) and {@link DropReason#REPLAYED} ({@link ReplayGuard}); every drop is
 * counted by reason in {@link HeartbeatCounters}, none is logged. An accepted heartbeat goes to
 * the {@link HeartbeatListener}, <b>on the event loop thread</b>, with its sender's address and the
 * time it was read from the injected clock.
 *
 * <p>Send path: {@link #send} may be called on any thread; the work moves to the event loop,
 * which owns the codec (its {@code Mac}s are not thread-safe). The heartbeat is encoded once into
 * a pooled buffer and a retained duplicate goes to every peer address. A send failure is counted
 * and logged once per failing address until it sends again.
 */
public final class HeartbeatTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatTransport.class);
    /** Receive buffer per datagram: larger than any valid one, so an oversized one is seen as such. */
    private static final int RECEIVE_BUFFER_BYTES = 2048;

    private final Channel channel;
    private final HeartbeatCodec codec;
    private final HeartbeatCounters counters;
    private final String self;
    private final Set<InetSocketAddress> failingTargets = new HashSet<>();
    private volatile List<InetSocketAddress> peers;

    private HeartbeatTransport(Builder b, HeartbeatCodec codec) throws IOException {
        this.codec = codec;
        this.counters = b.counters;
        this.self = b.self;
        this.peers = List.copyOf(b.peerAddresses);
        InetSocketAddress local = new InetSocketAddress(b.bindAddress, b.port);
        Bootstrap bootstrap = new Bootstrap()
                .group(b.group)
                .channel(datagramChannelType(b.group))
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER_BYTES))
                .handler(new Receiver(codec, b.counters, b.replayGuard, b.listener, b.nanoClock, b.self, b.peer));
        ChannelFuture bound = bootstrap.bind(local).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IOException("cannot bind heartbeat socket to udp " + local + ": " + cause, cause);
        }
        this.channel = bound.channel();
        LOG.info("{}: heartbeat on udp {} to {} ({})", self, channel.localAddress(), peers,
                channel.getClass().getSimpleName());
    }

    /** A builder; {@link Builder#bind()} opens the socket. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An event loop group of {@code threads} threads on epoll when the native transport is on the
     * class path and loads, on NIO otherwise. The daemon uses one thread for heartbeats.
     */
    public static IoEventLoopGroup newEventLoopGroup(int threads, ThreadFactory threadFactory) {
        IoHandlerFactory handlers = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, handlers);
    }

    /** The datagram channel class that runs on {@code group}: epoll or NIO. */
    static Class<? extends DatagramChannel> datagramChannelType(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (io.isIoType(EpollIoHandler.class)) {
                return EpollDatagramChannel.class;
            }
            if (io.isIoType(NioIoHandler.class)) {
                return NioDatagramChannel.class;
            }
        }
        throw new IllegalArgumentException("heartbeat needs an epoll or NIO event loop group, got "
                + group.getClass().getName());
    }

    /**
     * Sends {@code m} to every peer address. Any thread; the encoding and sending happen on the
     * event loop, and failures are counted there, not thrown.
     *
     * @throws IllegalArgumentException when {@code m} is for another cluster
     */
    public void send(HeartbeatMessage m) {
        if (!m.cluster().equals(codec.cluster())) {
            throw new IllegalArgumentException("heartbeat cluster=" + m.cluster()
                    + " differs from the transport's cluster=" + codec.cluster());
        }
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            sendNow(m);
            return;
        }
        try {
            loop.execute(() -> sendNow(m));
        } catch (RejectedExecutionException e) {
            counters.onSendError();
        }
    }

    private void sendNow(HeartbeatMessage m) {
        List<InetSocketAddress> targets = peers;
        if (!channel.isActive()) {
            for (int i = 0; i < targets.size(); i++) {
                counters.onSendError();
            }
            return;
        }
        ByteBuf buf = channel.alloc().ioBuffer(HeartbeatCodec.MAX_DATAGRAM_BYTES);
        try {
            codec.encode(m, buf);
            for (InetSocketAddress target : targets) {
                channel.write(new DatagramPacket(buf.retainedDuplicate(), target))
                        .addListener(f -> onSendComplete(target, f.isSuccess(), f.cause()));
            }
            channel.flush();
        } finally {
            buf.release();
        }
    }

    private void onSendComplete(InetSocketAddress target, boolean success, Throwable cause) {
        if (success) {
            counters.onSent();
            if (failingTargets.remove(target)) {
                LOG.info("{}: heartbeat send to {} works again", self, target);
            }
        } else {
            counters.onSendError();
            if (failingTargets.add(target)) {
                LOG.warn("{}: heartbeat send to {} failed: {}", self, target, String.valueOf(cause));
            }
        }
    }

    /**
     * Replaces the keys (key rotation); takes effect on the event loop, in order with sends.
     *
     * @throws IllegalArgumentException at once when a key is unusable; the old keys stay in force
     */
    public void updateKeys(AuthKeys keys) {
        // Fails here, on the caller's thread, if a key is unusable; the event loop then cannot fail.
        new HeartbeatCodec(codec.cluster(), keys);
        channel.eventLoop().execute(() -> codec.updateKeys(keys));
    }

    /** Replaces the addresses heartbeats go to (config reload); the next send uses them. */
    public void updatePeers(List<InetSocketAddress> addresses) {
        this.peers = List.copyOf(addresses);
    }

    /** Where heartbeats go now. */
    public List<InetSocketAddress> peerAddresses() {
        return peers;
    }

    /** The bound address (with the real port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The counters of this transport. */
    public HeartbeatCounters counters() {
        return counters;
    }

    /** Closes the socket and waits until it is closed; the event loop group stays the caller's. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** The receive path; runs on the event loop. */
    private static final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        private final HeartbeatCodec codec;
        private final HeartbeatCounters counters;
        private final ReplayGuard replayGuard;
        private final HeartbeatListener listener;
        private final LongSupplier nanoClock;
        private final String self;
        private final String peer;

        Receiver(HeartbeatCodec codec, HeartbeatCounters counters, ReplayGuard replayGuard,
                HeartbeatListener listener, LongSupplier nanoClock, String self, String peer) {
            super(DatagramPacket.class);
            this.codec = codec;
            this.counters = counters;
            this.replayGuard = replayGuard;
            this.listener = listener;
            this.nanoClock = nanoClock;
            this.self = self;
            this.peer = peer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            long receivedNanos = nanoClock.getAsLong();
            counters.onReceived();
            DecodeResult result = codec.decode(packet.content());
            if (!result.isAccepted()) {
                counters.onDropped(result.dropReason());
                return;
            }
            HeartbeatMessage m = result.message();
            if (m.node().equals(self)) {
                counters.onDropped(DropReason.FROM_SELF);
                return;
            }
            if (!m.node().equals(peer)) {
                counters.onDropped(DropReason.UNKNOWN_NODE);
                return;
            }
            if (!replayGuard.accept(m.node(), m.generation(), m.sequence())) {
                counters.onDropped(DropReason.REPLAYED);
                return;
            }
            counters.onAccepted();
            try {
                listener.onHeartbeat(m, packet.sender(), receivedNanos);
            } catch (RuntimeException e) {
                LOG.error("{}: heartbeat listener failed on {}", self, m, e);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Not tied to one datagram (e.g. an ICMP error on the socket): count, don't flood the log.
            counters.onReceiveError();
            LOG.debug("{}: heartbeat socket error", self, cause);
        }
    }

    /**
     * Settings of a {@link HeartbeatTransport}. Required: event loop group, cluster, keys, self,
     * peer, listener; {@link #config} sets most of them from ha.cf.
     */
    public static final class Builder {
        private EventLoopGroup group;
        private InetAddress bindAddress = wildcard();
        private int port = 694;
        private String cluster;
        private AuthKeys authKeys;
        private String self;
        private String peer;
        private List<InetSocketAddress> peerAddresses = List.of();
        private ReplayGuard replayGuard;
        private HeartbeatCounters counters;
        private HeartbeatListener listener;
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        private static InetAddress wildcard() {
            try {
                return InetAddress.getByAddress(new byte[4]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * From ha.cf: cluster name, udpport, our peer's name, and one address per distinct ucast
         * peer IP at udpport.
         */
        public Builder config(HaConfig ha, String selfName) {
            cluster(ha.clusterName());
            port(ha.udpPort());
            self(selfName);
            peer(ha.peerOf(selfName));
            Set<InetSocketAddress> addresses = new LinkedHashSet<>();
            for (UcastMedium medium : ha.ucast()) {
                addresses.add(new InetSocketAddress(medium.peer(), ha.udpPort()));
            }
            return peerAddresses(List.copyOf(addresses));
        }

        /** The group whose event loop owns the socket (the daemon passes a one-thread group). */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** The local address to bind, 0.0.0.0 by default. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress");
            return this;
        }

        /** The local UDP port, 694 by default; 0 picks a free one (tests). */
        public Builder port(int port) {
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("udpport=" + port + " must be in 0..65535");
            }
            this.port = port;
            return this;
        }

        /** The cluster name heartbeats carry; others are dropped as {@link DropReason#FOREIGN_CLUSTER}. */
        public Builder cluster(String cluster) {
            this.cluster = cluster;
            return this;
        }

        /** The keys to sign with (the active one) and accept (all of them). */
        public Builder authKeys(AuthKeys keys) {
            this.authKeys = keys;
            return this;
        }

        /** This node's name: heartbeats carrying it are dropped as {@link DropReason#FROM_SELF}. */
        public Builder self(String self) {
            this.self = self;
            return this;
        }

        /** The peer's name: heartbeats of any other node are dropped as {@link DropReason#UNKNOWN_NODE}. */
        public Builder peer(String peer) {
            this.peer = peer;
            return this;
        }

        /** Where heartbeats go. */
        public Builder peerAddresses(List<InetSocketAddress> addresses) {
            this.peerAddresses = List.copyOf(addresses);
            return this;
        }

        /** A guard seeded with the peer's persisted generation; a fresh one by default. */
        public Builder replayGuard(ReplayGuard guard) {
            this.replayGuard = guard;
            return this;
        }

        /** Counters to use; fresh ones by default. */
        public Builder counters(HeartbeatCounters counters) {
            this.counters = counters;
            return this;
        }

        /** Receives accepted heartbeats, on the event loop. */
        public Builder listener(HeartbeatListener listener) {
            this.listener = listener;
            return this;
        }

        /** The monotonic clock for receive times; {@code System::nanoTime} by default. */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * Binds the socket and starts receiving. Must not be called on an event loop thread.
         *
         * @throws IOException naming the address when the socket cannot be bound
         */
        public HeartbeatTransport bind() throws IOException {
            Objects.requireNonNull(group, "eventLoopGroup");
            Objects.requireNonNull(authKeys, "authKeys");
            Objects.requireNonNull(listener, "listener");
            HeartbeatMessage.checkName("self", self);
            HeartbeatMessage.checkName("peer", peer);
            if (self.equals(peer)) {
                throw new IllegalArgumentException("peer=" + peer + " must differ from self=" + self);
            }
            if (replayGuard == null) {
                replayGuard = new ReplayGuard();
            }
            if (counters == null) {
                counters = new HeartbeatCounters();
            }
            return new HeartbeatTransport(this, new HeartbeatCodec(cluster, authKeys));
        }
    }
}
