package io.tandem.heartbeat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.tandem.config.AuthKeys;
import io.tandem.config.HaConfig;
import io.tandem.config.McastMedium;
import io.tandem.config.Medium;
import io.tandem.config.UcastMedium;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends and receives heartbeats over UDP on every medium of ha.cf at once (ucast, bcast, mcast,
 * any number of each; see {@link MediumSockets} for the sockets of each), with Netty, on epoll
 * where the native transport is available and NIO otherwise. All sockets live on one event loop,
 * which also owns the codec, the replay guard and the {@link PeerLinks}.
 *
 * <p>Receive path ({@link HeartbeatReceiver}): find the link, verify, drop what is not the peer's
 * or is replayed, deliver each heartbeat to the {@link HeartbeatListener} once (the first copy to
 * arrive, whichever link brought it, <b>on the event loop thread</b>), and count every copy as
 * heard on its own link. Every drop is counted by reason in {@link HeartbeatCounters}, none logged.
 *
 * <p>Send path: {@link #send} may be called on any thread; the work moves to the event loop. The
 * heartbeat is encoded and signed once per link, with that link's echo fields, into a pooled
 * buffer. A send failure is counted and logged once per link until it sends again.
 *
 * <p>Reconfiguration without a restart: {@link #updateKeys} (key rotation) and
 * {@link #updateMedia} (add, remove or change media; unchanged media keep their sockets and link
 * state). The cluster name, the node names, udpport, the bind address and the timing need a new
 * transport.
 */
public final class HeartbeatTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatTransport.class);

    private final EventLoop loop;
    private final HeartbeatCodec codec;
    private final HeartbeatCounters counters;
    private final PeerLinks links;
    private final HeartbeatReceiver receiver;
    private final MediumSockets.Settings settings;
    private final LongSupplier nanoClock;
    private final String self;
    private final Object reconfiguring = new Object();
    /** Replaced on the event loop only; read there (send path) and, for status, anywhere. */
    private volatile List<MediumSockets> sockets = List.of();

    private HeartbeatTransport(Builder b, HeartbeatCodec codec) throws IOException {
        this.loop = b.group.next();
        this.codec = codec;
        this.counters = b.counters;
        this.self = b.self;
        this.nanoClock = b.nanoClock;
        this.links = new PeerLinks(b.self, b.peer, b.linkDeadtimeNanos, b.linkInitdeadNanos, b.stallDetector);
        this.receiver = new HeartbeatReceiver(codec, b.counters, b.replayGuard, links, b.listener, b.nanoClock,
                b.self, b.peer);
        boolean epoll = datagramChannelType(b.group) == EpollDatagramChannel.class;
        this.settings = new MediumSockets.Settings(loop, epoll, b.bindAddress, b.port, b.bindToDevices,
                b.ucastSources);
        updateMedia(b.media);
        loop.submit(() -> links.start(nanoClock.getAsLong())).syncUninterruptibly();
        StringBuilder where = new StringBuilder();
        for (MediumSockets s : sockets) {
            where.append(where.length() == 0 ? "" : ", ").append(s.medium().name())
                    .append(" (udp ").append(s.receiveAddress()).append(')');
        }
        LOG.info("{}: heartbeat on {} ({}{})", self, where, epoll ? "epoll" : "NIO",
                settings.bindToDevices ? ", sockets bound to their devices" : ", sockets not bound to devices");
    }

    /** A builder; {@link Builder#bind()} opens the sockets. */
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
     * Sends {@code m} on every link. Any thread; the encoding and sending happen on the event
     * loop, and failures are counted there, not thrown.
     *
     * @throws IllegalArgumentException when {@code m} is for another cluster
     */
    public void send(HeartbeatMessage m) {
        if (!m.cluster().equals(codec.cluster())) {
            throw new IllegalArgumentException("heartbeat cluster=" + m.cluster()
                    + " differs from the transport's cluster=" + codec.cluster());
        }
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
        long nowNanos = nanoClock.getAsLong();
        for (MediumSockets s : sockets) {
            HeartbeatLink link = s.link();
            Channel ch = s.sendChannel();
            if (!ch.isActive()) {
                onSendComplete(s, link, false, new ClosedChannelException());
                continue;
            }
            ByteBuf buf = ch.alloc().ioBuffer(HeartbeatCodec.MAX_DATAGRAM_BYTES);
            try {
                codec.encode(m, nowNanos, links.echoNanos(link), links.echoHoldNanos(link, nowNanos), buf);
            } catch (RuntimeException e) {
                buf.release();
                throw e;
            }
            ch.writeAndFlush(new DatagramPacket(buf, s.target()))
                    .addListener(f -> onSendComplete(s, link, f.isSuccess(), f.cause()));
        }
    }

    private void onSendComplete(MediumSockets s, HeartbeatLink link, boolean success, Throwable cause) {
        if (success) {
            counters.onSent();
            links.onSent(link);
        } else {
            counters.onSendError();
            links.onSendError(link);
        }
        if (s.sendFailing(!success)) {
            if (success) {
                LOG.info("{}: heartbeat send on {} to {} works again", self, link, s.target());
            } else {
                LOG.warn("{}: heartbeat send on {} to {} failed: {}", self, link, s.target(), String.valueOf(cause));
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
        loop.execute(() -> codec.updateKeys(keys));
    }

    /**
     * Replaces the media (config reload): a medium equal to a current one keeps its sockets, a
     * medium of the same name keeps its link state (liveness, loss window, counts), new media get
     * new sockets and removed ones are closed. Blocks until done; must not be called on the event
     * loop. On failure (a socket cannot be opened) nothing changes.
     *
     * @throws IOException naming the medium that could not be opened
     */
    public void updateMedia(List<? extends Medium> media) throws IOException {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("updateMedia blocks on socket binds; call it off the event loop");
        }
        synchronized (reconfiguring) {
            List<Medium> wanted = List.copyOf(media);
            PeerLinks.checkDistinct(wanted);
            Map<String, MediumSockets> current = new HashMap<>();
            for (MediumSockets s : sockets) {
                current.put(s.medium().name(), s);
            }
            List<MediumSockets> next = new ArrayList<>();
            List<MediumSockets> opened = new ArrayList<>();
            try {
                for (Medium m : wanted) {
                    MediumSockets kept = current.get(m.name());
                    if (kept != null && sameSockets(kept.medium(), m)) {
                        current.remove(m.name());
                    } else {
                        kept = MediumSockets.open(m, settings, receiver);
                        opened.add(kept);
                    }
                    next.add(kept);
                }
            } catch (IOException | RuntimeException e) {
                opened.forEach(MediumSockets::close);
                throw e;
            }
            List<InetAddress> broadcasts = MediumSockets.hostBroadcastAddresses();
            loop.submit(() -> swap(wanted, next, current.values(), broadcasts)).syncUninterruptibly();
            current.values().forEach(MediumSockets::close);
        }
    }

    /** Whether two media of one name are served by the same sockets (only mcast has settings beyond its name). */
    private static boolean sameSockets(Medium a, Medium b) {
        if (a instanceof McastMedium x && b instanceof McastMedium y) {
            return x.ttl() == y.ttl() && x.loop() == y.loop();
        }
        return a.getClass() == b.getClass();
    }

    private void swap(List<Medium> media, List<MediumSockets> next, Iterable<MediumSockets> removed,
            List<InetAddress> broadcasts) {
        List<HeartbeatLink> all = links.setMedia(media);
        List<HeartbeatLink> ucast = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            next.get(i).link(all.get(i));
            if (all.get(i).medium() instanceof UcastMedium) {
                ucast.add(all.get(i));
            }
        }
        for (MediumSockets s : removed) {
            s.link(null);
        }
        receiver.setUcastLinks(ucast);
        receiver.setBroadcastAddresses(broadcasts);
        sockets = List.copyOf(next);
    }

    /** The media heartbeats go out on now, in order. */
    public List<Medium> media() {
        List<Medium> out = new ArrayList<>();
        for (MediumSockets s : sockets) {
            out.add(s.medium());
        }
        return List.copyOf(out);
    }

    /**
     * The liveness of each link to the peer. Owned by the event loop: call its methods there
     * (the daemon's liveness checks run on the same loop), or use {@link #linkStatus()}.
     */
    public PeerLinks peerLinks() {
        return links;
    }

    /** Every link's status now, from any thread (hops to the event loop and waits). */
    public List<LinkStatus> linkStatus() {
        if (loop.inEventLoop()) {
            return links.snapshot(nanoClock.getAsLong());
        }
        return loop.submit(() -> links.snapshot(nanoClock.getAsLong())).syncUninterruptibly().getNow();
    }

    /** The event loop that owns the sockets, the codec and the links. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** The address the first ucast socket is bound to (else the first socket's), with the real port. */
    public InetSocketAddress localAddress() {
        List<MediumSockets> all = sockets;
        for (MediumSockets s : all) {
            if (s.medium() instanceof UcastMedium) {
                return s.receiveAddress();
            }
        }
        if (all.isEmpty()) {
            throw new IllegalStateException("the transport has no media");
        }
        return all.get(0).receiveAddress();
    }

    /** The counters of this transport. */
    public HeartbeatCounters counters() {
        return counters;
    }

    /** Closes the sockets and waits until they are closed; the event loop group stays the caller's. */
    @Override
    public void close() {
        for (MediumSockets s : sockets) {
            s.close();
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
        private List<Medium> media = List.of();
        private final Map<InetAddress, InetAddress> ucastSources = new HashMap<>();
        private boolean bindToDevices = true;
        private long linkDeadtimeNanos = TimeUnit.SECONDS.toNanos(1);
        private long linkInitdeadNanos = TimeUnit.SECONDS.toNanos(2);
        private StallDetector stallDetector;
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
         * From ha.cf: cluster name, udpport, our peer's name, every medium, and deadtime and
         * initdead for the links.
         */
        public Builder config(HaConfig ha, String selfName) {
            cluster(ha.clusterName());
            port(ha.udpPort());
            self(selfName);
            peer(ha.peerOf(selfName));
            linkTiming(ha.deadtime().toNanos(), ha.initdead().toNanos());
            return media(ha.media());
        }

        /** The group whose event loop owns the sockets (the daemon passes a one-thread group). */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** The local address ucast sockets bind to, 0.0.0.0 by default. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress");
            return this;
        }

        /**
         * The local address the ucast socket of the medium naming {@code peer} binds to (and so
         * sends from), instead of {@link #bindAddress}: the address the peer's ha.cf names for us.
         */
        public Builder ucastSource(InetAddress peer, InetAddress local) {
            ucastSources.put(Objects.requireNonNull(peer, "peer"), Objects.requireNonNull(local, "local"));
            return this;
        }

        /** The local UDP port (udpport), 694 by default; 0 lets the first ucast socket pick one (tests). */
        public Builder port(int port) {
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("udpport=" + port + " must be in 0..65535");
            }
            this.port = port;
            return this;
        }

        /** The media to send and listen on; none by default ({@link #config} sets them from ha.cf). */
        public Builder media(List<? extends Medium> media) {
            this.media = List.copyOf(media);
            return this;
        }

        /**
         * Whether each socket is bound to its medium's device (SO_BINDTODEVICE, on epoll only; needs
         * CAP_NET_RAW). On by default; off lets tests name devices that do not exist.
         */
        public Builder bindToDevices(boolean bind) {
            this.bindToDevices = bind;
            return this;
        }

        /** When a link counts as down (silent for deadtime) or is reported as never heard (initdead). */
        public Builder linkTiming(long deadtimeNanos, long initdeadNanos) {
            this.linkDeadtimeNanos = deadtimeNanos;
            this.linkInitdeadNanos = initdeadNanos;
            return this;
        }

        /** The detector that holds link verdicts off after this process stalled; none by default. */
        public Builder stallDetector(StallDetector detector) {
            this.stallDetector = detector;
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

        /** The monotonic clock for receive and link send times; {@code System::nanoTime} by default. */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * Opens every medium's sockets and starts receiving. Must not be called on an event loop
         * thread. Sockets are opened in the network namespace of the calling thread.
         *
         * @throws IOException naming the medium and address when a socket cannot be opened or bound
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
