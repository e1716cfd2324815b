package io.tandem.heartbeat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.tandem.config.UcastMedium;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive path of {@link HeartbeatTransport}, on its event loop. Per datagram, in this order:
 * <ol>
 *   <li>the medium it arrived on: for a bcast or mcast socket, that socket's medium (our own
 *       datagrams looped back by the kernel are set aside as {@code own_echoes}); for a ucast
 *       socket, the ucast medium naming the datagram's source address (none: <em>unattributed</em>),
 *       after setting aside broadcast and multicast copies that reached the ucast socket too;</li>
 *   <li>{@link HeartbeatCodec#verify} (size, version, key, MAC, structure, cluster), then the
 *       sender's name: our own ({@link DropReason#FROM_SELF}), not the peer
 *       ({@link DropReason#UNKNOWN_NODE});</li>
 *   <li>freshness: newer than the last delivered heartbeat ({@link ReplayGuard}) is delivered;
 *       not newer but within {@link ReplayGuard#COPY_WINDOW} and new <em>on its own medium</em>
 *       ({@link PeerLinks#onHeard}) is a copy that came by another medium: it counts as heard on
 *       this medium and is not delivered again; anything else is {@link DropReason#REPLAYED}, and
 *       so is a non-newer datagram that no medium can be credited with;</li>
 *   <li>the listener gets the message, with its link.</li>
 * </ol>
 * Nothing here allocates before the message is built for delivery (Netty's packet and addresses
 * aside); drops are counted, never logged.
 */
final class HeartbeatReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatReceiver.class);
    private static final int MAX_WARNED_SOURCES = 16;

    private final HeartbeatCodec codec;
    private final HeartbeatCounters counters;
    private final ReplayGuard replayGuard;
    private final PeerLinks links;
    private final HeartbeatListener listener;
    private final LongSupplier nanoClock;
    private final String self;
    private final String peer;
    private final byte[] selfUtf8;
    private final byte[] peerUtf8;
    private final Set<InetAddress> warnedSources = new HashSet<>();

    private HeartbeatLink[] ucastLinks = new HeartbeatLink[0];
    private InetAddress[] ucastSources = new InetAddress[0];
    private InetAddress[] broadcasts = new InetAddress[0];

    HeartbeatReceiver(HeartbeatCodec codec, HeartbeatCounters counters, ReplayGuard replayGuard, PeerLinks links,
            HeartbeatListener listener, LongSupplier nanoClock, String self, String peer) {
        this.codec = codec;
        this.counters = counters;
        this.replayGuard = replayGuard;
        this.links = links;
        this.listener = listener;
        this.nanoClock = nanoClock;
        this.self = self;
        this.peer = peer;
        this.selfUtf8 = self.getBytes(StandardCharsets.UTF_8);
        this.peerUtf8 = peer.getBytes(StandardCharsets.UTF_8);
    }

    /** The current ucast links, which the source address of a ucast datagram is matched against. */
    void setUcastLinks(List<HeartbeatLink> ucast) {
        HeartbeatLink[] l = ucast.toArray(new HeartbeatLink[0]);
        InetAddress[] a = new InetAddress[l.length];
        for (int i = 0; i < l.length; i++) {
            a[i] = ((UcastMedium) l[i].medium()).peer();
        }
        this.ucastLinks = l;
        this.ucastSources = a;
    }

    /** The IPv4 broadcast addresses of this host's interfaces (255.255.255.255 is always one). */
    void setBroadcastAddresses(List<InetAddress> addresses) {
        this.broadcasts = addresses.toArray(new InetAddress[0]);
    }

    private HeartbeatLink ucastLinkFrom(InetAddress source) {
        InetAddress[] a = ucastSources;
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(source)) {
                return ucastLinks[i];
            }
        }
        return null;
    }

    private boolean isBroadcastOrMulticast(InetAddress destination) {
        if (destination.isMulticastAddress()) {
            return true;
        }
        InetAddress[] b = broadcasts;
        for (int i = 0; i < b.length; i++) {
            if (b[i].equals(destination)) {
                return true;
            }
        }
        return false;
    }

    /** One datagram that arrived on {@code link} (null: a ucast datagram of an unlisted source). */
    void onDatagram(HeartbeatLink link, ByteBuf content, InetSocketAddress sender, long nowNanos) {
        counters.onReceived();
        if (link != null) {
            links.onReceived(link);
        }
        DropReason reason = codec.verify(content);
        if (reason == null) {
            if (codec.isFromNode(selfUtf8)) {
                reason = DropReason.FROM_SELF;
            } else if (!codec.isFromNode(peerUtf8)) {
                reason = DropReason.UNKNOWN_NODE;
            }
        }
        if (reason != null) {
            drop(reason, link);
            return;
        }
        long generation = codec.generation();
        long sequence = codec.sequence();
        boolean newer = replayGuard.isNewer(peer, generation, sequence);
        if (link == null) {
            if (!newer) {
                drop(DropReason.REPLAYED, null);
                return;
            }
        } else if ((!newer && !replayGuard.isRecentCopy(peer, generation, sequence))
                || !links.onHeard(link, generation, sequence, nowNanos, codec.linkSendNanos(),
                        codec.linkEchoNanos(), codec.linkEchoHoldNanos())) {
            drop(DropReason.REPLAYED, link);
            return;
        }
        if (!newer) {
            counters.onCopy();
            return;
        }
        replayGuard.accept(peer, generation, sequence);
        counters.onAccepted();
        if (link == null) {
            onUnattributed(sender);
        }
        HeartbeatMessage m = codec.message();
        try {
            listener.onHeartbeat(m, link, sender, nowNanos);
        } catch (RuntimeException e) {
            LOG.error("{}: heartbeat listener failed on {}", self, m, e);
        }
    }

    private void drop(DropReason reason, HeartbeatLink link) {
        counters.onDropped(reason);
        if (link != null) {
            links.onDropped(link);
        }
    }

    private void onUnattributed(InetSocketAddress sender) {
        counters.onUnattributed();
        InetAddress source = sender.getAddress();
        if (warnedSources.size() < MAX_WARNED_SOURCES && warnedSources.add(source)) {
            LOG.warn("{}: heartbeat from {} came from {}, which no ucast line names; it keeps {} alive but counts"
                    + " for no link (check the ucast lines of ha.cf)", self, peer, source.getHostAddress(), peer);
        }
    }

    /** The handler of a ucast socket: drops broadcast copies, finds the link by source address. */
    final class UcastInbound extends SimpleChannelInboundHandler<DatagramPacket> {
        private final MediumSockets sockets;
        private final boolean seesDestination;

        /** {@code seesDestination}: the socket reports each datagram's destination (IP_RECVORIGDSTADDR). */
        UcastInbound(MediumSockets sockets, boolean seesDestination) {
            super(DatagramPacket.class);
            this.sockets = sockets;
            this.seesDestination = seesDestination;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            long nowNanos = nanoClock.getAsLong();
            if (sockets.link() == null) {
                return; // opened but not yet (or no longer) one of the transport's links
            }
            if (seesDestination && packet.recipient() != null
                    && isBroadcastOrMulticast(packet.recipient().getAddress())) {
                counters.onIgnoredBroadcast();
                return;
            }
            InetSocketAddress sender = packet.sender();
            onDatagram(ucastLinkFrom(sender.getAddress()), packet.content(), sender, nowNanos);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            onSocketError(cause);
        }
    }

    /** The handler of a bcast or mcast socket: one link, minus our own looped-back datagrams. */
    final class GroupInbound extends SimpleChannelInboundHandler<DatagramPacket> {
        private final MediumSockets sockets;

        GroupInbound(MediumSockets sockets) {
            super(DatagramPacket.class);
            this.sockets = sockets;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            long nowNanos = nanoClock.getAsLong();
            HeartbeatLink link = sockets.link();
            if (link == null) {
                return; // opened but not yet (or no longer) one of the transport's links
            }
            InetSocketAddress sender = packet.sender();
            if (sockets.isOwnDatagram(sender)) {
                counters.onOwnEcho();
                return;
            }
            onDatagram(link, packet.content(), sender, nowNanos);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            onSocketError(cause);
        }
    }

    private void onSocketError(Throwable cause) {
        // Not tied to one datagram (e.g. an ICMP error on the socket): count, don't flood the log.
        counters.onReceiveError();
        LOG.debug("{}: heartbeat socket error", self, cause);
    }
}
