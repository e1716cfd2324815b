package io.tandem.director.forward;

import io.tandem.director.ForwardingEngine;
import io.tandem.director.ForwardingMethod;
import io.tandem.director.IpAddresses;
import io.tandem.director.RealServerState;
import io.tandem.director.Verdict;
import io.tandem.director.conn.ConnectionTable;
import io.tandem.director.forward.ForwarderCounters.Counter;
import io.tandem.director.packet.EthernetFrame;
import io.tandem.director.packet.PacketRewriter;
import io.tandem.director.packet.PacketView;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What happens to one received frame, without I/O: parse, ask the {@link ForwardingEngine},
 * rewrite, and say where the result goes. The forwarding loop does the reading and sending;
 * tests and benchmarks drive this class with frames in plain buffers.
 *
 * <pre>
 *  frame ─► parse ─► not TCP/UDP over IP, or not to our MAC ─► PASS (the kernel has its own copy)
 *             │
 *             ├─► engine.onClientPacket ─► server id ─► complete a partial checksum
 *             │                                     ├─ DR : MACs                 ─► SEND_IN_PLACE (server side)
 *             │                                     ├─ NAT: dst IP:port, MACs    ─► SEND_IN_PLACE (server side)
 *             │                                     └─ TUN: IPIP into tx buffer  ─► SEND_BUILT    (server side)
 *             │                          verdict &lt; 0 ─► NOT_OURS: try as a reply; else DROP (counted)
 *             └─► engine.onReplyPacket (NAT servers) ─► src := VIP:port, MACs ─► SEND_IN_PLACE (client side)
 * </pre>
 *
 * The client's MAC of a NAT connection (the source MAC of its last packet: the client or its
 * router) is kept per connection entry and becomes the destination MAC of the replies, so the
 * reply path needs no neighbour lookup. Real servers' MACs come from {@link #setServerMac}.
 *
 * <p>One thread; allocates nothing per frame.
 */
public final class FrameProcessor {
    /** Not ours: the frame is left alone. */
    public static final int PASS = 0;
    /** Dropped; counted by reason. */
    public static final int DROP = 1;
    /** Rewritten in place: send {@link #sendLength()} bytes at {@link #sendOffset()} on {@link #sendSide()}. */
    public static final int SEND_IN_PLACE = 2;
    /** Built in the tx buffer from index 0: send {@link #sendLength()} bytes on {@link #sendSide()}. */
    public static final int SEND_BUILT = 3;

    /** The clients' interface. */
    public static final int CLIENT_SIDE = 0;
    /** The real servers' interface (the same as the clients' in one-arm setups). */
    public static final int SERVER_SIDE = 1;

    private final ForwardingEngine engine;
    private final ConnectionTable connections;
    private final ForwarderCounters counters;
    private final PacketView view = new PacketView();
    private final long clientSideMac;
    private final long serverSideMac;
    private long[] serverMacs;
    private boolean[] serverMacWanted;
    private final long[] clientMacs;
    private final ClientMacCache clientMacCache;
    private boolean anyNat;
    private final int mtuBytes;
    private final long tunnelSourceV4Low;
    private final long tunnelSourceV6High;
    private final long tunnelSourceV6Low;
    private final boolean hasTunnelV4;
    private final boolean hasTunnelV6;
    private boolean serverMacMissing;
    private int sendOffset;
    private int sendLength;
    private int sendSide;
    private int identification;

    /**
     * @param tunnelSourceV4 the director's IPv4 address for outer IPIP headers, or null
     * @param tunnelSourceV6 the director's IPv6 address for outer headers, or null
     */
    /** Services were appended to the engine's table (a reload): room for their servers. Forwarding thread. */
    public void onServersAdded() {
        int servers = engine.services().serverCount();
        int old = serverMacs.length;
        if (servers <= old) {
            return;
        }
        serverMacs = Arrays.copyOf(serverMacs, servers);
        serverMacWanted = Arrays.copyOf(serverMacWanted, servers);
        Arrays.fill(serverMacs, old, servers, EthernetFrame.NO_MAC);
        for (int id = old; id < servers; id++) {
            anyNat |= engine.services().server(id).forwarding() == ForwardingMethod.NAT;
        }
    }

    public FrameProcessor(ForwardingEngine engine, ForwarderCounters counters, long clientSideMac,
            long serverSideMac, int mtuBytes, InetAddress tunnelSourceV4, InetAddress tunnelSourceV6) {
        this(engine, counters, clientSideMac, serverSideMac, mtuBytes, tunnelSourceV4, tunnelSourceV6,
                new ClientMacCache());
    }

    /** As above, with the forwarder's client MAC cache, which outlives a processor (stop and start). */
    FrameProcessor(ForwardingEngine engine, ForwarderCounters counters, long clientSideMac, long serverSideMac,
            int mtuBytes, InetAddress tunnelSourceV4, InetAddress tunnelSourceV6, ClientMacCache clientMacCache) {
        this.clientMacCache = clientMacCache;
        this.engine = engine;
        this.connections = engine.connections();
        this.counters = counters;
        this.clientSideMac = clientSideMac;
        this.serverSideMac = serverSideMac;
        this.mtuBytes = mtuBytes;
        int servers = engine.services().serverCount();
        this.serverMacs = new long[servers];
        this.serverMacWanted = new boolean[servers];
        Arrays.fill(serverMacs, EthernetFrame.NO_MAC);
        this.clientMacs = new long[connections.capacity()];
        Arrays.fill(clientMacs, EthernetFrame.NO_MAC);
        boolean nat = false;
        for (int id = 0; id < servers; id++) {
            nat |= engine.services().server(id).forwarding() == ForwardingMethod.NAT;
        }
        this.anyNat = nat;
        this.hasTunnelV4 = tunnelSourceV4 != null;
        this.tunnelSourceV4Low = hasTunnelV4 ? IpAddresses.low(tunnelSourceV4) : 0;
        this.hasTunnelV6 = tunnelSourceV6 != null;
        this.tunnelSourceV6High = hasTunnelV6 ? IpAddresses.high(tunnelSourceV6) : 0;
        this.tunnelSourceV6Low = hasTunnelV6 ? IpAddresses.low(tunnelSourceV6) : 0;
    }

    /**
     * One frame of {@code length} bytes at {@code offset} of {@code b}, received on {@code side}.
     *
     * @param partialChecksum the ring flagged the transport checksum as partial
     * @param tx where a frame is built when it cannot be rewritten in place (IPIP)
     * @return {@link #PASS}, {@link #DROP}, {@link #SEND_IN_PLACE} or {@link #SEND_BUILT}
     */
    public int onFrame(ByteBuffer b, int offset, int length, int side, boolean partialChecksum, ByteBuffer tx,
            long nowNs) {
        counters.increment(Counter.FRAMES_IN);
        int parsed = view.parse(b, offset, length);
        if (parsed != PacketView.OK) {
            counters.increment(parsed == PacketView.NOT_IP || parsed == PacketView.UNSUPPORTED ? Counter.PASSED
                    : Counter.UNFORWARDABLE);
            return PASS;
        }
        long destinationMac = EthernetFrame.mac(b, offset + EthernetFrame.DESTINATION);
        if (destinationMac != clientSideMac && destinationMac != serverSideMac) {
            counters.increment(Counter.OTHER_HOST);
            return PASS;
        }
        int serverId = engine.onClientPacket(view.protocol(), view.sourceHigh(), view.sourceLow(), view.sourcePort(),
                view.destinationHigh(), view.destinationLow(), view.destinationPort(), view.tcpFlags(),
                view.ipLength(), nowNs);
        if (serverId >= 0) {
            return toServer(serverId, partialChecksum, tx);
        }
        if (serverId != Verdict.NOT_OURS) {
            counters.increment(serverId == Verdict.NO_SERVER ? Counter.DROP_NO_SERVER : Counter.DROP_TABLE_FULL);
            return DROP;
        }
        if (anyNat) {
            int entry = engine.onReplyPacket(view.protocol(), view.sourceHigh(), view.sourceLow(), view.sourcePort(),
                    view.destinationHigh(), view.destinationLow(), view.destinationPort(), view.tcpFlags(),
                    view.ipLength(), nowNs);
            if (entry >= 0) {
                return toClient(entry, partialChecksum);
            }
        }
        counters.increment(Counter.PASSED);
        return PASS;
    }

    private int toServer(int serverId, boolean partialChecksum, ByteBuffer tx) {
        long mac = serverMacs[serverId];
        if (mac == EthernetFrame.NO_MAC) {
            serverMacWanted[serverId] = true;
            serverMacMissing = true;
            counters.increment(Counter.DROP_NO_SERVER_MAC);
            return DROP;
        }
        if (partialChecksum) {
            PacketRewriter.completeChecksum(view);
        }
        RealServerState server = engine.services().server(serverId);
        sendSide = SERVER_SIDE;
        switch (server.forwarding()) {
            case DIRECT_ROUTING:
                PacketRewriter.directRoute(view, mac, serverSideMac);
                return inPlace(Counter.FORWARDED);
            case NAT:
                long clientMac = EthernetFrame.mac(view.buffer(), view.frameOffset() + EthernetFrame.SOURCE);
                clientMacs[engine.lastConnection()] = clientMac;
                clientMacCache.learn(view.sourceHigh(), view.sourceLow(), clientMac);
                PacketRewriter.natToServer(view, server.addressHigh(), server.addressLow(), server.port(), mac,
                        serverSideMac);
                return inPlace(Counter.FORWARDED);
            default:
                return tunnel(server, mac, tx);
        }
    }

    private int tunnel(RealServerState server, long mac, ByteBuffer tx) {
        boolean ipv4 = IpAddresses.isIPv4(server.addressHigh(), server.addressLow());
        if (ipv4 ? !hasTunnelV4 : !hasTunnelV6) {
            counters.increment(Counter.DROP_NO_TUNNEL_SOURCE);
            return DROP;
        }
        int bytes = PacketRewriter.tunnelFrameBytes(view, ipv4);
        if (bytes - EthernetFrame.HEADER_BYTES > mtuBytes || bytes > tx.capacity()) {
            counters.increment(Counter.DROP_TOO_BIG);
            return DROP;
        }
        identification = (identification + 1) & 0xFFFF;
        sendLength = PacketRewriter.encapsulate(view, tx, mac, serverSideMac, ipv4 ? 0 : tunnelSourceV6High,
                ipv4 ? tunnelSourceV4Low : tunnelSourceV6Low, server.addressHigh(), server.addressLow(),
                identification);
        sendOffset = 0;
        counters.increment(Counter.FORWARDED);
        return SEND_BUILT;
    }

    private int toClient(int entry, boolean partialChecksum) {
        long mac = clientMacs[entry];
        if (mac == EthernetFrame.NO_MAC) {
            // A connection learnt by sync, or from before the rings reopened: the client's
            // address has most likely been seen on another connection.
            mac = clientMacCache.lookup(view.destinationHigh(), view.destinationLow());
            if (mac == EthernetFrame.NO_MAC) {
                counters.increment(Counter.DROP_NO_CLIENT_MAC);
                return DROP;
            }
            clientMacs[entry] = mac;
        }
        if (partialChecksum) {
            PacketRewriter.completeChecksum(view);
        }
        PacketRewriter.natToClient(view, connections.virtualHigh(entry), connections.virtualLow(entry),
                connections.virtualPort(entry), mac, clientSideMac);
        sendSide = CLIENT_SIDE;
        return inPlace(Counter.REPLIES_FORWARDED);
    }

    private int inPlace(Counter counter) {
        if (view.ipLength() > mtuBytes) {
            counters.increment(Counter.DROP_TOO_BIG);
            return DROP;
        }
        sendOffset = view.frameOffset();
        sendLength = view.usedFrameLength();
        counters.increment(counter);
        return SEND_IN_PLACE;
    }

    /** Where the frame to send starts (in the received buffer, or 0 in the tx buffer). */
    public int sendOffset() {
        return sendOffset;
    }

    /** Bytes of the frame to send. */
    public int sendLength() {
        return sendLength;
    }

    /** {@link #CLIENT_SIDE} or {@link #SERVER_SIDE}. */
    public int sendSide() {
        return sendSide;
    }

    /** Counts a frame the kernel refused to send. */
    public void onSendFailed() {
        counters.increment(Counter.DROP_SEND_FAILED);
    }

    /** Sets (or, with {@link EthernetFrame#NO_MAC}, forgets) the MAC frames to server {@code id} go to. */
    public void setServerMac(int id, long mac) {
        serverMacs[id] = mac;
        if (mac != EthernetFrame.NO_MAC) {
            serverMacWanted[id] = false;
        }
    }

    /** The MAC frames to server {@code id} go to, or {@link EthernetFrame#NO_MAC}. */
    public long serverMac(int id) {
        return serverMacs[id];
    }

    /** Whether a packet was dropped for want of server {@code id}'s MAC since it was last set. */
    public boolean isServerMacWanted(int id) {
        return serverMacWanted[id];
    }

    /** Whether any server's MAC was wanted since the last call (and resets that). */
    public boolean takeServerMacMissing() {
        boolean missing = serverMacMissing;
        serverMacMissing = false;
        return missing;
    }

    public ForwardingEngine engine() {
        return engine;
    }
}
