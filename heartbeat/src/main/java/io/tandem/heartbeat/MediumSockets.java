package io.tandem.heartbeat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.tandem.config.BcastMedium;
import io.tandem.config.McastMedium;
import io.tandem.config.Medium;
import io.tandem.config.UcastMedium;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The sockets of one heartbeat medium, as Heartbeat's {@code ucast.c}, {@code bcast.c} and
 * {@code mcast.c} open them, each bound to its device with {@code SO_BINDTODEVICE} (epoll only,
 * through Netty's raw socket option) so a heartbeat for eth1 never leaves by eth0 when eth1 is
 * down, and a datagram heard on the eth1 socket really came in on eth1:
 * <pre>
 *   ucast DEV IP   one socket, LOCAL:udpport (LOCAL = the builder's source for IP, else its bind
 *                  address): sends to IP:udpport, hears unicast; the link of a datagram is the
 *                  ucast medium naming its source address. IP_RECVORIGDSTADDR shows each
 *                  datagram's destination, so broadcast and multicast copies that also reach this
 *                  wildcard-bound socket are set aside.
 *   bcast DEV      send socket 0.0.0.0:any with SO_BROADCAST, to DEV's broadcast address:udpport;
 *                  receive socket bound to that broadcast address:udpport (hears nothing else).
 *   mcast DEV G P  send socket 0.0.0.0:any with IP_MULTICAST_IF=DEV, TTL, LOOP, to G:P;
 *                  receive socket bound to G:P, G joined on DEV, IP_MULTICAST_ALL off.
 * </pre>
 * Sockets that share a port set SO_REUSEADDR. Device addresses (broadcast, own addresses) are
 * read with {@link NetworkInterface} in the namespace of the thread that opens the sockets.
 */
final class MediumSockets {
    /** setsockopt(SOL_SOCKET=1, SO_BINDTODEVICE=25, char[IFNAMSIZ=16]). */
    private static final RawUnixChannelOption SO_BINDTODEVICE = new RawUnixChannelOption("SO_BINDTODEVICE", 1, 25, 16);
    /** Receive buffer per datagram: larger than any valid one, so an oversized one is seen as such. */
    private static final int RECEIVE_BUFFER_BYTES = 2048;

    private final Medium medium;
    private final List<InetAddress> ownAddresses;
    private InetSocketAddress target;
    private Channel send;
    private Channel receive;
    private int ownPort = -1;
    private HeartbeatLink link;
    private boolean failing;

    private MediumSockets(Medium medium, InetSocketAddress target, List<InetAddress> ownAddresses) {
        this.medium = medium;
        this.target = target;
        this.ownAddresses = ownAddresses;
    }

    /** How the transport's sockets are opened. {@code port} is 0 until a socket has picked one. */
    static final class Settings {
        final EventLoop loop;
        final boolean epoll;
        final InetAddress bindAddress;
        final boolean bindToDevices;
        final Map<InetAddress, InetAddress> ucastSources;
        int port;

        Settings(EventLoop loop, boolean epoll, InetAddress bindAddress, int port, boolean bindToDevices,
                Map<InetAddress, InetAddress> ucastSources) {
            this.loop = loop;
            this.epoll = epoll;
            this.bindAddress = bindAddress;
            this.port = port;
            this.bindToDevices = bindToDevices && epoll;
            this.ucastSources = Map.copyOf(ucastSources);
        }
    }

    /**
     * Opens the sockets of {@code medium}; must not run on the event loop. On failure nothing
     * stays open.
     *
     * @throws IOException naming the medium, its ha.cf line and what failed
     */
    static MediumSockets open(Medium medium, Settings s, HeartbeatReceiver receiver) throws IOException {
        MediumSockets sockets = null;
        try {
            if (medium instanceof UcastMedium u) {
                InetAddress local = s.ucastSources.getOrDefault(u.peer(), s.bindAddress);
                sockets = new MediumSockets(medium, null, List.of());
                sockets.send = sockets.bind(s, null, new InetSocketAddress(local, s.port),
                        receiver.new UcastInbound(sockets, s.epoll), true);
                sockets.receive = sockets.send;
                if (s.port == 0) {
                    s.port = ((InetSocketAddress) sockets.send.localAddress()).getPort();
                }
                sockets.target = new InetSocketAddress(u.peer(), s.port);
                return sockets;
            }
            NetworkInterface device = device(medium);
            List<InetAddress> own = ipv4Addresses(device);
            if (medium instanceof BcastMedium) {
                InetAddress broadcast = broadcastAddress(device, medium);
                sockets = new MediumSockets(medium, new InetSocketAddress(broadcast, s.port), own);
                sockets.send = sockets.bind(s, SocketProtocolFamily.INET, new InetSocketAddress(wildcard(), 0),
                        new Discard(), false);
                sockets.receive = sockets.bind(s, SocketProtocolFamily.INET, sockets.target,
                        receiver.new GroupInbound(sockets), true);
            } else {
                McastMedium m = (McastMedium) medium;
                sockets = new MediumSockets(medium, new InetSocketAddress(m.group(), m.port()), own);
                sockets.send = sockets.bind(s, SocketProtocolFamily.INET, new InetSocketAddress(wildcard(), 0),
                        new Discard(), false);
                sockets.receive = sockets.bind(s, SocketProtocolFamily.INET, sockets.target,
                        receiver.new GroupInbound(sockets), true);
                ChannelFuture joined = ((DatagramChannel) sockets.receive).joinGroup(sockets.target, device)
                        .awaitUninterruptibly();
                if (!joined.isSuccess()) {
                    throw sockets.failure("cannot join group " + m.group().getHostAddress() + " on " + m.device(),
                            joined.cause());
                }
            }
            sockets.ownPort = ((InetSocketAddress) sockets.send.localAddress()).getPort();
            return sockets;
        } catch (IOException | RuntimeException e) {
            if (sockets != null) {
                sockets.close();
            }
            throw e;
        }
    }

    /** Registers a channel on the loop, sets its options (failing loudly), binds it. */
    private Channel bind(Settings s, SocketProtocolFamily family, InetSocketAddress local, ChannelHandler handler,
            boolean receives) throws IOException {
        Bootstrap b = new Bootstrap()
                .group(s.loop)
                .channelFactory(() -> newChannel(s.epoll, family))
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER_BYTES))
                .handler(handler);
        ChannelFuture registered = b.register().awaitUninterruptibly();
        if (!registered.isSuccess()) {
            throw failure("cannot open a socket", registered.cause());
        }
        Channel ch = registered.channel();
        try {
            configure(s, ch, receives);
        } catch (RuntimeException e) {
            ch.close().awaitUninterruptibly();
            throw new IOException(where(medium) + ": " + e.getMessage(), e);
        }
        ChannelFuture bound = ch.bind(local).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            ch.close().awaitUninterruptibly();
            throw failure("cannot bind heartbeat socket to udp " + local, bound.cause());
        }
        return ch;
    }

    private static DatagramChannel newChannel(boolean epoll, SocketProtocolFamily family) {
        if (epoll) {
            return family == null ? new EpollDatagramChannel() : new EpollDatagramChannel(family);
        }
        return family == null ? new NioDatagramChannel() : new NioDatagramChannel(family);
    }

    private void configure(Settings s, Channel ch, boolean receives) {
        set(ch, ChannelOption.SO_REUSEADDR, true);
        if (s.bindToDevices) {
            try {
                set(ch, SO_BINDTODEVICE, deviceName(medium.device()));
            } catch (ChannelException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage().replace("setsockopt() failed: ", "");
                throw new IllegalStateException("cannot bind the socket to device " + medium.device()
                        + " (SO_BINDTODEVICE): " + why, e);
            }
        }
        if (medium instanceof UcastMedium && s.epoll) {
            set(ch, EpollChannelOption.IP_RECVORIGDSTADDR, true);
        } else if (medium instanceof BcastMedium && !receives) {
            set(ch, ChannelOption.SO_BROADCAST, true);
        } else if (medium instanceof McastMedium m) {
            if (receives && s.epoll) {
                set(ch, EpollChannelOption.IP_MULTICAST_ALL, false);
            } else if (!receives) {
                set(ch, ChannelOption.IP_MULTICAST_IF, deviceOrFail(m));
                set(ch, ChannelOption.IP_MULTICAST_TTL, m.ttl());
                set(ch, ChannelOption.IP_MULTICAST_LOOP_DISABLED, !m.loop());
            }
        }
    }

    private static NetworkInterface deviceOrFail(Medium m) {
        try {
            return device(m);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private <T> void set(Channel ch, ChannelOption<T> option, T value) {
        // setOption throws a ChannelException when setsockopt fails; false means "not supported here".
        if (!ch.config().setOption(option, value)) {
            throw new IllegalStateException("socket option " + option.name() + " is not supported by "
                    + ch.getClass().getSimpleName());
        }
    }

    /** The device's name for SO_BINDTODEVICE; an alias label (eth0:1, allowed on ucast lines) binds to eth0. */
    private static ByteBuffer deviceName(String device) {
        int colon = device.indexOf(':');
        if (colon >= 0) {
            device = device.substring(0, colon);
        }
        ByteBuffer name = ByteBuffer.allocateDirect(16);
        name.put(device.getBytes(StandardCharsets.US_ASCII));
        while (name.hasRemaining()) {
            name.put((byte) 0);
        }
        return name.flip();
    }

    private static NetworkInterface device(Medium m) throws IOException {
        NetworkInterface device = NetworkInterface.getByName(m.device());
        if (device == null) {
            throw new IOException(where(m) + ": no device " + m.device() + " in this network namespace");
        }
        return device;
    }

    private static List<InetAddress> ipv4Addresses(NetworkInterface device) {
        List<InetAddress> out = new ArrayList<>();
        for (InterfaceAddress a : device.getInterfaceAddresses()) {
            if (a.getAddress() instanceof Inet4Address) {
                out.add(a.getAddress());
            }
        }
        return List.copyOf(out);
    }

    private static InetAddress broadcastAddress(NetworkInterface device, Medium m) throws IOException {
        for (InterfaceAddress a : device.getInterfaceAddresses()) {
            if (a.getAddress() instanceof Inet4Address && a.getBroadcast() != null) {
                return a.getBroadcast();
            }
        }
        throw new IOException(where(m) + ": device " + m.device()
                + " has no IPv4 broadcast address (give it an IPv4 address with a broadcast address)");
    }

    /** The IPv4 broadcast addresses of every interface of this namespace, and 255.255.255.255. */
    static List<InetAddress> hostBroadcastAddresses() {
        List<InetAddress> out = new ArrayList<>();
        out.add(limitedBroadcast());
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                    if (a.getBroadcast() != null && !out.contains(a.getBroadcast())) {
                        out.add(a.getBroadcast());
                    }
                }
            }
        } catch (SocketException e) {
            // Without the list, only the limited broadcast and multicast are recognised as copies.
        }
        return List.copyOf(out);
    }

    private static InetAddress limitedBroadcast() {
        try {
            return InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress wildcard() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String where(Medium m) {
        return "heartbeat medium " + m.name() + (m.line() > 0 ? " (ha.cf line " + m.line() + ")" : "");
    }

    private IOException failure(String what, Throwable cause) {
        return new IOException(where(medium) + ": " + what + (cause == null ? "" : ": " + cause), cause);
    }

    /** Whether {@code sender} is one of our own send sockets on this device (a looped-back datagram). */
    boolean isOwnDatagram(InetSocketAddress sender) {
        return sender.getPort() == ownPort && ownAddresses.contains(sender.getAddress());
    }

    Medium medium() {
        return medium;
    }

    HeartbeatLink link() {
        return link;
    }

    /** Set on the event loop when the transport's links are (re)built. */
    void link(HeartbeatLink link) {
        this.link = link;
    }

    Channel sendChannel() {
        return send;
    }

    InetSocketAddress target() {
        return target;
    }

    /** The address the receiving socket is bound to. */
    InetSocketAddress receiveAddress() {
        return (InetSocketAddress) receive.localAddress();
    }

    /** Records a send outcome; true when it changed (so the caller logs once per change). */
    boolean sendFailing(boolean nowFailing) {
        boolean changed = failing != nowFailing;
        failing = nowFailing;
        return changed;
    }

    /** Closes the sockets and waits until they are closed. */
    void close() {
        if (send != null) {
            send.close().awaitUninterruptibly();
        }
        if (receive != null && receive != send) {
            receive.close().awaitUninterruptibly();
        }
    }

    /** Sinks whatever reaches a send-only socket. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP errors of sends surface here; the send path counts failures.
        }
    }
}
