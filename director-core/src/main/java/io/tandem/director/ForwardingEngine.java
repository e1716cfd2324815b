package io.tandem.director;

import static io.tandem.director.conn.ConnectionTable.NONE;

import io.tandem.director.conn.ConnectionTable;
import io.tandem.director.conn.ConnectionTimeouts;
import io.tandem.director.conn.TcpStates;

/**
 * The forwarding decision, made once per packet by the data path: which real server a client's
 * packet goes to (IPVS's {@code ip_vs_in}), and which connection a NAT server's reply belongs to
 * ({@code ip_vs_out}). Packet parsing, rewriting and sending are the data path's; this class
 * sees a packet as primitives and allocates nothing.
 *
 * <pre>
 *  client packet (protocol, source, destination, TCP flags):
 *    connection known  -&gt; TCP SYN on a TIME_WAIT/CLOSE connection without template: forget it,
 *                         schedule afresh (IPVS conn_reuse_mode 1); else move its state, forward
 *    no service        -&gt; NOT_OURS
 *    TCP without SYN   -&gt; mid-flow: the persistence template's server if one is known, else the
 *                         Maglev choice over the servers of weight above zero, which the peer
 *                         director computes alike; the entry starts ESTABLISHED
 *    otherwise (SYN, UDP) -&gt; persistent service: the template's server if its server is still a
 *                         member (and, unless turned off, of weight above zero), else the
 *                         scheduler's choice, remembered in a new template;
 *                         not persistent: the scheduler's choice
 *    no server         -&gt; the fallback server (no template), else NO_SERVER
 *    table full        -&gt; TABLE_FULL
 *  server reply (NAT): find the connection by (client, server); move its state with OUTPUT.
 * </pre>
 *
 * Threading: one forwarding thread owns the engine, its {@link ServiceTable} and its
 * {@link ConnectionTable}; counters can be read from any thread.
 */
public final class ForwardingEngine {
    private static final int TCP = 6;
    private static final int NOT_OURS = 0;
    private static final int NO_SERVER = 1;
    private static final int TABLE_FULL = 2;
    private static final int MID_FLOW = 3;
    private static final int REUSED = 4;
    private static final int HELD = 5;
    private static final int COUNTERS = 6;

    private final ServiceTable services;
    private final ConnectionTable connections;
    private final ConnectionTimeouts timeouts;
    private final OpaqueCounters counters = new OpaqueCounters(COUNTERS);
    private boolean expireQuiescentTemplates = true;
    /** Until this time (if {@link #midFlowHeld}), mid-flow packets of unknown connections are dropped, not scheduled. */
    private volatile long midFlowHoldUntilNs;
    private volatile boolean midFlowHeld;
    private int lastConnection = NONE;

    /** An engine with a connection table of {@code connectionCapacity} entries, time starting at {@code nowNs}. */
    public ForwardingEngine(ServiceTable services, int connectionCapacity, ConnectionTimeouts timeouts, long nowNs) {
        this.services = services;
        this.timeouts = timeouts;
        this.connections = new ConnectionTable(connectionCapacity, timeouts, services.connectionCounts(), nowNs);
    }

    /**
     * A packet from a client to {@code destination}: the id of the real server to forward it
     * to ({@link ServiceTable#server}), or {@link Verdict#NOT_OURS}, {@link Verdict#NO_SERVER},
     * {@link Verdict#TABLE_FULL}. Addresses as in {@link IpAddresses}.
     *
     * @param tcpFlags byte 13 of the TCP header (0 for UDP)
     */
    public int onClientPacket(int protocol, long sourceHigh, long sourceLow, int sourcePort,
            long destinationHigh, long destinationLow, int destinationPort, int tcpFlags, int lengthBytes,
            long nowNs) {
        int e = connections.find(protocol, sourceHigh, sourceLow, sourcePort, destinationHigh, destinationLow,
                destinationPort);
        if (e != NONE) {
            if (protocol == TCP && (tcpFlags & TcpStates.SYN) != 0 && isReusable(e)) {
                connections.remove(e);
                counters.add(REUSED, 1);
            } else {
                return forward(e, TcpStates.INPUT, tcpFlags, lengthBytes, nowNs);
            }
        }
        VirtualServiceState service = services.find(protocol, destinationHigh, destinationLow, destinationPort);
        if (service == null) {
            counters.add(NOT_OURS, 1);
            return Verdict.NOT_OURS;
        }
        if (protocol == TCP && (tcpFlags & TcpStates.SYN) == 0) {
            return admitMidFlow(service, sourceHigh, sourceLow, sourcePort, destinationHigh, destinationLow,
                    destinationPort, tcpFlags, lengthBytes, nowNs);
        }
        return admitNew(service, protocol, sourceHigh, sourceLow, sourcePort, destinationHigh, destinationLow,
                destinationPort, tcpFlags, lengthBytes, nowNs);
    }

    /**
     * A packet from a NAT real server ({@code source}) to a client ({@code destination}): the
     * connection it belongs to, whose virtual address and port ({@link ConnectionTable}) become
     * the reply's source, or {@link Verdict#NOT_OURS}.
     */
    public int onReplyPacket(int protocol, long sourceHigh, long sourceLow, int sourcePort,
            long destinationHigh, long destinationLow, int destinationPort, int tcpFlags, int lengthBytes,
            long nowNs) {
        for (int id = services.firstNatServer(sourceHigh, sourceLow, sourcePort); id >= 0;
                id = services.nextNatServer(id)) {
            int e = connections.findReply(protocol, destinationHigh, destinationLow, destinationPort, id);
            if (e != NONE) {
                forward(e, TcpStates.OUTPUT, tcpFlags, lengthBytes, nowNs);
                return e;
            }
        }
        counters.add(NOT_OURS, 1);
        return Verdict.NOT_OURS;
    }

    /** The connection entry the last forwarded packet used, for the data path's rewriting. */
    public int lastConnection() {
        return lastConnection;
    }

    /**
     * Until {@code untilNs} (or {@link #releaseMidFlowHold}), a mid-flow packet of a connection this
     * table does not know is dropped instead of scheduled: the peer director may have opened it
     * while the two could not talk, and its entry is on the way through the sync stream. A
     * dropped segment is retransmitted by TCP; a wrongly scheduled one is answered with a RST.
     * Any thread.
     */
    public void holdMidFlow(long untilNs) {
        midFlowHoldUntilNs = untilNs;
        midFlowHeld = true;
    }

    /** Ends a {@link #holdMidFlow} early (the sync stream has caught up). Any thread. */
    public void releaseMidFlowHold() {
        midFlowHeld = false;
    }

    /** Whether mid-flow packets of unknown connections are being held now. */
    public boolean isMidFlowHeld() {
        return midFlowHeld;
    }

    /** Mid-flow packets of unknown connections dropped while held. */
    public long midFlowHeldDrops() {
        return counters.get(HELD);
    }

    /** Expires connections and templates due at {@code nowNs}; returns how many were freed. */
    public int onTimer(long nowNs) {
        return connections.advance(nowNs);
    }

    /**
     * A connection or template learnt from the peer director's sync stream; its timeout is this
     * director's for its state (the service's persistence timeout for a template).
     *
     * @return the entry, or {@link Verdict#TABLE_FULL}
     */
    public int onSyncedConnection(int protocol, boolean template, long clientHigh, long clientLow, int clientPort,
            long virtualHigh, long virtualLow, int virtualPort, int serverId, int state, long nowNs) {
        RealServerState server = services.server(serverId);
        long timeoutNs = template ? services.service(server.serviceIndex()).persistenceTimeoutNs()
                : protocol == TCP ? timeouts.tcpNs(state) : timeouts.udpNs();
        int e = connections.upsertSynced(protocol, template, clientHigh, clientLow, clientPort, virtualHigh,
                virtualLow, virtualPort, serverId, state, options(server), timeoutNs, nowNs);
        if (e == NONE) {
            counters.add(TABLE_FULL, 1);
            return Verdict.TABLE_FULL;
        }
        return e;
    }

    private int forward(int e, int direction, int tcpFlags, int lengthBytes, long nowNs) {
        connections.onPacket(e, direction, tcpFlags, nowNs);
        int serverId = connections.serverId(e);
        RealServerState server = services.server(serverId);
        if (direction == TcpStates.OUTPUT) {
            server.onOutbound(lengthBytes);
        } else {
            server.onInbound(lengthBytes);
        }
        lastConnection = e;
        return serverId;
    }

    private boolean isReusable(int e) {
        int state = connections.state(e);
        return (state == TcpStates.TIME_WAIT || state == TcpStates.CLOSE) && connections.template(e) == NONE;
    }

    private int admitNew(VirtualServiceState service, int protocol, long sourceHigh, long sourceLow,
            int sourcePort, long destinationHigh, long destinationLow, int destinationPort, int tcpFlags,
            int lengthBytes, long nowNs) {
        int template = NONE;
        long maskedHigh = sourceHigh & service.persistenceMaskHigh();
        long maskedLow = sourceLow & service.persistenceMaskLow();
        if (service.isPersistent()) {
            template = connections.findTemplate(protocol, maskedHigh, maskedLow, destinationHigh, destinationLow,
                    service.port());
            if (template != NONE && !isUsable(services.server(connections.serverId(template)))) {
                connections.invalidateTemplate(template);
                template = NONE;
            }
        }
        int serverId;
        boolean newTemplate = false;
        if (template != NONE) {
            serverId = connections.serverId(template);
        } else {
            serverId = service.schedule(sourceHigh, sourceLow, sourcePort, destinationHigh, destinationLow);
            if (serverId >= 0) {
                newTemplate = service.isPersistent();
            } else if (service.fallback() != null) {
                serverId = service.fallback().id();
            } else {
                counters.add(NO_SERVER, 1);
                return Verdict.NO_SERVER;
            }
        }
        if (connections.free() < (newTemplate ? 2 : 1)) {
            counters.add(TABLE_FULL, 1);
            return Verdict.TABLE_FULL;
        }
        if (newTemplate) {
            template = connections.insertTemplate(protocol, maskedHigh, maskedLow, destinationHigh, destinationLow,
                    service.port(), serverId, service.persistenceTimeoutNs(), 0, nowNs);
        } else if (template != NONE) {
            connections.touchTemplate(template, nowNs);
        }
        RealServerState server = services.server(serverId);
        int state = protocol != TCP ? TcpStates.UDP_NORMAL
                : TcpStates.next(TcpStates.NONE, firstDirection(server), tcpFlags);
        lastConnection = connections.insertConnection(protocol, sourceHigh, sourceLow, sourcePort, destinationHigh,
                destinationLow, destinationPort, serverId, state, options(server), template, nowNs);
        server.onScheduled();
        server.onInbound(lengthBytes);
        return serverId;
    }

    private int admitMidFlow(VirtualServiceState service, long sourceHigh, long sourceLow, int sourcePort,
            long destinationHigh, long destinationLow, int destinationPort, int tcpFlags, int lengthBytes,
            long nowNs) {
        if (midFlowHeld) {
            if (nowNs - midFlowHoldUntilNs < 0) {
                counters.add(HELD, 1);
                return Verdict.NO_SERVER;
            }
            midFlowHeld = false;
        }
        int template = NONE;
        int serverId = Verdict.NO_SERVER;
        if (service.isPersistent()) {
            template = connections.findTemplate(TCP, sourceHigh & service.persistenceMaskHigh(),
                    sourceLow & service.persistenceMaskLow(), destinationHigh, destinationLow, service.port());
            if (template != NONE && services.server(connections.serverId(template)).isMember()) {
                serverId = connections.serverId(template);
            } else {
                template = NONE;
            }
        }
        if (serverId < 0) {
            serverId = service.scheduleMidFlow(sourceHigh, sourceLow, sourcePort);
        }
        if (serverId < 0) {
            if (service.fallback() == null) {
                counters.add(NO_SERVER, 1);
                return Verdict.NO_SERVER;
            }
            serverId = service.fallback().id();
        }
        if (connections.free() < 1) {
            counters.add(TABLE_FULL, 1);
            return Verdict.TABLE_FULL;
        }
        if (template != NONE) {
            connections.touchTemplate(template, nowNs);
        }
        RealServerState server = services.server(serverId);
        int state = TcpStates.next(TcpStates.ESTABLISHED, firstDirection(server), tcpFlags);
        lastConnection = connections.insertConnection(TCP, sourceHigh, sourceLow, sourcePort, destinationHigh,
                destinationLow, destinationPort, serverId, state, options(server), template, nowNs);
        counters.add(MID_FLOW, 1);
        server.onInbound(lengthBytes);
        return serverId;
    }

    private boolean isUsable(RealServerState server) {
        return server.isMember() && (!expireQuiescentTemplates || server.weight() > 0);
    }

    private static int firstDirection(RealServerState server) {
        return server.forwarding() == ForwardingMethod.NAT ? TcpStates.INPUT : TcpStates.INPUT_ONLY;
    }

    private static int options(RealServerState server) {
        return server.forwarding() == ForwardingMethod.NAT ? ConnectionTable.INDEX_REPLIES
                : ConnectionTable.NO_OUTPUT;
    }

    /**
     * Whether a persistence template whose server was quiesced (weight 0) stops attracting its
     * clients' new connections. IPVS's {@code expire_quiescent_template} defaults to off; Tandem
     * defaults to on, so that weight 0 means no new connections, persistent or not.
     */
    public void setExpireQuiescentTemplates(boolean expire) {
        this.expireQuiescentTemplates = expire;
    }

    public ServiceTable services() {
        return services;
    }

    public ConnectionTable connections() {
        return connections;
    }

    /** Packets for no virtual service and replies for no NAT connection. */
    public long notOurs() {
        return counters.get(NOT_OURS);
    }

    /** Packets dropped because no server (nor fallback) would take a new connection. */
    public long droppedNoServer() {
        return counters.get(NO_SERVER);
    }

    /** Packets dropped because the connection table was full. */
    public long droppedTableFull() {
        return counters.get(TABLE_FULL);
    }

    /** Connections admitted mid-flow (TCP without SYN, unknown here) by the Maglev rule or a template. */
    public long midFlowAdmissions() {
        return counters.get(MID_FLOW);
    }

    /** TIME_WAIT or CLOSE connections whose client port was reused by a new SYN and rescheduled. */
    public long reusedConnections() {
        return counters.get(REUSED);
    }
}
