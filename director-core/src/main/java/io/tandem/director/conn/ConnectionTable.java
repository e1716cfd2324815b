package io.tandem.director.conn;

import static io.tandem.director.conn.ConnectionEntries.F_DIRTY;
import static io.tandem.director.conn.ConnectionEntries.F_INACTIVE;
import static io.tandem.director.conn.ConnectionEntries.F_INDEXED;
import static io.tandem.director.conn.ConnectionEntries.F_IN_USE;
import static io.tandem.director.conn.ConnectionEntries.F_NO_OUTPUT;
import static io.tandem.director.conn.ConnectionEntries.F_QUEUED;
import static io.tandem.director.conn.ConnectionEntries.F_REPLY_INDEXED;
import static io.tandem.director.conn.ConnectionEntries.F_SYNCED;
import static io.tandem.director.conn.ConnectionEntries.F_TEMPLATE;
import static io.tandem.director.conn.ConnectionEntries.PROTOCOL_MASK;
import static io.tandem.director.conn.ConnectionEntries.STATE_MASK;
import static io.tandem.director.conn.ConnectionEntries.STATE_SHIFT;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The director's connection table, IPVS's {@code ip_vs_conn} table in parallel primitive
 * arrays: which real server each client connection goes to, its TCP state and when it expires,
 * and the persistence templates (client network to server) of persistent services.
 *
 * <pre>
 *  entry e, fixed capacity, about 100 bytes an entry, all allocated up front:
 *    key, flags, server, idle timeout of the current state (templates: the persistence
 *    timeout), forward and reply index                  see {@link ConnectionEntries}
 *    controls[e]      template controlling this connection, or NONE
 *    controlled[e]    template: live connections it controls
 *    packets[e]       packets seen, for sync's threshold rule
 *    deadline, next, prev                                 see {@link TimerWheel}
 *  free stack; entries changed since the sync stream last looked   see {@link ChangeQueue}
 * </pre>
 *
 * <p>Counting, as IPVS: a new connection is counted inactive by its server unless it starts
 * ESTABLISHED; a TCP state change into or out of ESTABLISHED moves it between the counts; the
 * {@link ConnectionListener} hears every change. A template does not expire while connections
 * it controls live; it is re-armed for its full timeout. When the table is full, inserts are
 * refused and counted ({@link #refusedFull()}); the caller drops the packet, as IPVS drops when
 * it cannot allocate a connection.
 *
 * <p>For sync: an entry records whether it was {@link #isSynced learnt from the peer}, and a
 * new entry, a state change, and packets 3, 53, 103, ... of a connection (IPVS's
 * {@code sync_threshold} and {@code sync_period}) put it on the ring {@link #pollChanged} drains.
 *
 * <p>Hash seeds are random per table, so that remote clients cannot choose addresses and ports
 * that collide. Single-threaded: the forwarding thread owns the table. Lookups, inserts,
 * updates and expiry allocate nothing.
 */
public final class ConnectionTable {
    /** No entry. */
    public static final int NONE = -1;
    /** Option: the connection's replies bypass the director (DR, TUN): INPUT_ONLY transitions. */
    public static final int NO_OUTPUT = 1;
    /** Option: index the connection by its reply tuple (NAT). */
    public static final int INDEX_REPLIES = 2;
    /** Option: the entry was learnt from the peer director, not from a packet. */
    public static final int SYNCED = 4;

    static final int TCP = 6;
    static final int SYNC_THRESHOLD_PACKETS = 3;
    static final int SYNC_PERIOD_PACKETS = 50;
    private static final long NS_PER_MS = 1_000_000L;

    private final int capacity;
    private final ConnectionTimeouts timeouts;
    private final ConnectionListener listener;
    private final ConnectionEntries entries;
    private final int[] controls;
    private final int[] controlled;
    private final int[] packets;
    private final TimerWheel wheel;
    private final TimerWheel.Expiry expiry = this::expire;
    private final int[] free;
    private int freeCount;
    private final ChangeQueue changes;
    private int size;
    private long refusedFull;
    private long expired;

    /** A table of {@code capacity} entries with a random hash seed; time starts at {@code nowNs}. */
    public ConnectionTable(int capacity, ConnectionTimeouts timeouts, ConnectionListener listener, long nowNs) {
        this(capacity, timeouts, listener, nowNs, ThreadLocalRandom.current().nextLong());
    }

    /** As above with a given hash seed (tests). */
    public ConnectionTable(int capacity, ConnectionTimeouts timeouts, ConnectionListener listener, long nowNs,
            long hashSeed) {
        if (capacity < 1 || capacity > 1 << 28) {
            throw new IllegalArgumentException("capacity=" + capacity + " must be in [1, 2^28]");
        }
        this.capacity = capacity;
        this.timeouts = timeouts;
        this.listener = listener;
        entries = new ConnectionEntries(capacity, hashSeed);
        controls = new int[capacity];
        controlled = new int[capacity];
        packets = new int[capacity];
        wheel = new TimerWheel(capacity, nowNs);
        free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        changes = new ChangeQueue(entries, capacity);
    }

    // ---------------------------------------------------------------- lookups

    /** The connection with this key, or {@link #NONE}. */
    public int find(int protocol, long clientHigh, long clientLow, int clientPort,
            long virtualHigh, long virtualLow, int virtualPort) {
        return entries.find(protocol, clientHigh, clientLow, packPorts(clientPort, virtualPort), virtualHigh,
                virtualLow);
    }

    /** The persistence template for a (masked) client address and a service, or {@link #NONE}. */
    public int findTemplate(int protocol, long clientHigh, long clientLow,
            long virtualHigh, long virtualLow, int virtualPort) {
        return entries.find(protocol | F_TEMPLATE, clientHigh, clientLow, virtualPort & 0xFFFF, virtualHigh,
                virtualLow);
    }

    /** The NAT connection a reply from {@code serverId} to a client belongs to, or {@link #NONE}. */
    public int findReply(int protocol, long clientHigh, long clientLow, int clientPort, int serverId) {
        return entries.findReply(protocol, clientHigh, clientLow, clientPort, serverId);
    }

    // ---------------------------------------------------------------- inserts and updates

    /**
     * Adds a connection in {@code state} ({@link TcpStates}; anything for UDP) bound to
     * {@code serverId}, optionally controlled by {@code template}. The caller has made sure the
     * key is not in the table.
     *
     * @param options {@link #NO_OUTPUT}, {@link #INDEX_REPLIES}, {@link #SYNCED}, or'ed
     * @return the entry, or {@link #NONE} when the table is full
     */
    public int insertConnection(int protocol, long clientHigh, long clientLow, int clientPort,
            long virtualHigh, long virtualLow, int virtualPort, int serverId, int state, int options,
            int template, long nowNs) {
        long timeoutNs = protocol == TCP ? timeouts.tcpNs(state) : timeouts.udpNs();
        int e = allocate(protocol, clientHigh, clientLow, packPorts(clientPort, virtualPort), virtualHigh,
                virtualLow, serverId, state, options, timeoutNs, nowNs + timeoutNs);
        if (e == NONE) {
            return NONE;
        }
        controls[e] = template;
        if (template != NONE) {
            controlled[template]++;
        }
        packets[e] = (options & SYNCED) != 0 ? 0 : 1;
        listener.onConnectionAdded(serverId, (entries.meta(e) & F_INACTIVE) == 0);
        if ((options & SYNCED) == 0) {
            changes.mark(e);
        }
        return e;
    }

    /**
     * Adds a persistence template: new connections from the (masked) client address to the
     * service go to {@code serverId}. As in IPVS the template expires {@code timeoutNs} after it
     * was created or last used by a new connection, but not while a connection it controls
     * lives (it is then re-armed for {@code timeoutNs}).
     *
     * @param options {@link #SYNCED} or 0
     * @return the entry, or {@link #NONE} when the table is full
     */
    public int insertTemplate(int protocol, long clientHigh, long clientLow, long virtualHigh, long virtualLow,
            int virtualPort, int serverId, long timeoutNs, int options, long nowNs) {
        int e = allocate(protocol | F_TEMPLATE, clientHigh, clientLow, virtualPort & 0xFFFF, virtualHigh,
                virtualLow, serverId, TcpStates.NONE, options & SYNCED, timeoutNs, nowNs + timeoutNs);
        if (e == NONE) {
            return NONE;
        }
        listener.onTemplateAdded(serverId);
        if ((options & SYNCED) == 0) {
            changes.mark(e);
        }
        return e;
    }

    private int allocate(int keyBits, long clientHigh, long clientLow, int packedPorts, long virtualHigh,
            long virtualLow, int serverId, int state, int options, long timeoutNs, long deadlineNs) {
        if (freeCount == 0) {
            refusedFull++;
            return NONE;
        }
        int e = free[--freeCount];
        size++;
        int queued = entries.meta(e) & F_QUEUED;
        entries.setServer(e, serverId, (int) Math.min(Integer.MAX_VALUE, timeoutNs / NS_PER_MS));
        controls[e] = NONE;
        controlled[e] = 0;
        packets[e] = 0;
        boolean template = (keyBits & F_TEMPLATE) != 0;
        boolean active = !template && (keyBits & PROTOCOL_MASK) == TCP && state == TcpStates.ESTABLISHED;
        int m = queued | keyBits | state << STATE_SHIFT | F_IN_USE | F_INDEXED
                | (active ? 0 : F_INACTIVE)
                | ((options & NO_OUTPUT) != 0 ? F_NO_OUTPUT : 0)
                | ((options & SYNCED) != 0 ? F_SYNCED : 0)
                | ((options & INDEX_REPLIES) != 0 && !template ? F_REPLY_INDEXED : 0);
        entries.setKey(e, clientHigh, clientLow, packedPorts, virtualHigh, virtualLow, m);
        entries.linkForward(e);
        if ((m & F_REPLY_INDEXED) != 0) {
            entries.linkReply(e);
        }
        wheel.schedule(e, deadlineNs);
        return e;
    }

    /**
     * A packet of connection {@code entry} went through in {@code direction}
     * ({@link TcpStates#INPUT} from the client, {@link TcpStates#OUTPUT} from the server): moves
     * the TCP state, the server's active/inactive counts, and the deadline.
     *
     * @return whether the state changed
     */
    public boolean onPacket(int entry, int direction, int tcpFlags, long nowNs) {
        if (Integer.remainderUnsigned(++packets[entry], SYNC_PERIOD_PACKETS) == SYNC_THRESHOLD_PACKETS) {
            changes.mark(entry);
        }
        int m = entries.meta(entry);
        if ((m & PROTOCOL_MASK) == TCP) {
            int effective = direction;
            if ((m & F_NO_OUTPUT) != 0) {
                if (direction == TcpStates.OUTPUT) {
                    m &= ~F_NO_OUTPUT;
                } else {
                    effective = TcpStates.INPUT_ONLY;
                }
            }
            int state = (m & STATE_MASK) >>> STATE_SHIFT;
            int next = TcpStates.next(state, effective, tcpFlags);
            if (next != state) {
                entries.setMeta(entry, moveState(entry, m, next));
                long timeoutNs = timeouts.tcpNs(next);
                entries.setTimeoutMs(entry, (int) (timeoutNs / NS_PER_MS));
                wheel.setDeadline(entry, nowNs + timeoutNs);
                changes.mark(entry);
                return true;
            }
            entries.setMeta(entry, m);
        }
        wheel.setDeadline(entry, nowNs + entries.timeoutMs(entry) * NS_PER_MS);
        return false;
    }

    private int moveState(int entry, int m, int next) {
        boolean wasActive = (m & F_INACTIVE) == 0;
        boolean active = next == TcpStates.ESTABLISHED;
        if (wasActive != active) {
            m ^= F_INACTIVE;
            listener.onConnectionActivityChanged(entries.serverId(entry), active);
        }
        return (m & ~STATE_MASK) | next << STATE_SHIFT;
    }

    /** A new connection used {@code template}: its timeout starts again. */
    public void touchTemplate(int template, long nowNs) {
        wheel.setDeadline(template, nowNs + entries.timeoutMs(template) * NS_PER_MS);
    }

    /**
     * Takes a template out of use (its server left or was quiesced): lookups no longer find it,
     * and it is freed as soon as no connection it controls is left.
     */
    public void invalidateTemplate(int template) {
        if (controlled[template] == 0) {
            release(template);
        } else if ((entries.meta(template) & F_INDEXED) != 0) {
            entries.unlinkForward(template);
            entries.setMeta(template, entries.meta(template) & ~F_INDEXED);
        }
    }

    /** Removes an entry now (a connection being reused, an operator's flush). */
    public void remove(int entry) {
        if ((entries.meta(entry) & F_TEMPLATE) != 0) {
            invalidateTemplate(entry);
        } else {
            release(entry);
        }
    }

    /**
     * Learns or refreshes an entry from the peer director's sync stream: the peer's server,
     * state and timeout for this key. The entry is marked {@link #isSynced synced} and is not
     * offered back to the sync stream.
     *
     * @param options {@link #NO_OUTPUT}, {@link #INDEX_REPLIES}, or'ed (new entries only)
     * @return the entry, or {@link #NONE} when the table is full
     */
    public int upsertSynced(int protocol, boolean template, long clientHigh, long clientLow, int clientPort,
            long virtualHigh, long virtualLow, int virtualPort, int serverId, int state, int options,
            long timeoutNs, long nowNs) {
        return upsertSynced(protocol, template, clientHigh, clientLow, clientPort, virtualHigh, virtualLow,
                virtualPort, serverId, state, options, timeoutNs, timeoutNs, nowNs);
    }

    /**
     * As {@link #upsertSynced(int, boolean, long, long, int, long, long, int, int, int, int, long, long)},
     * but the entry expires {@code remainingNs} from now (what the peer had left of it), while
     * {@code timeoutNs} stays its idle timeout for the packets that come after a takeover.
     */
    public int upsertSynced(int protocol, boolean template, long clientHigh, long clientLow, int clientPort,
            long virtualHigh, long virtualLow, int virtualPort, int serverId, int state, int options,
            long timeoutNs, long remainingNs, long nowNs) {
        int keyBits = protocol | (template ? F_TEMPLATE : 0);
        int packed = template ? virtualPort & 0xFFFF : packPorts(clientPort, virtualPort);
        int e = entries.find(keyBits, clientHigh, clientLow, packed, virtualHigh, virtualLow);
        if (e == NONE) {
            e = allocate(keyBits, clientHigh, clientLow, packed, virtualHigh, virtualLow, serverId,
                    template ? TcpStates.NONE : state, options | SYNCED, timeoutNs, nowNs + remainingNs);
            if (e != NONE && template) {
                listener.onTemplateAdded(serverId);
            } else if (e != NONE) {
                listener.onConnectionAdded(serverId, (entries.meta(e) & F_INACTIVE) == 0);
            }
            return e;
        }
        int m = entries.meta(e) | F_SYNCED;
        if (entries.serverId(e) != serverId) {
            rebind(e, m, serverId);
        }
        if (!template && protocol == TCP) {
            m = moveState(e, m, state);
        }
        entries.setMeta(e, m);
        entries.setTimeoutMs(e, (int) Math.min(Integer.MAX_VALUE, timeoutNs / NS_PER_MS));
        wheel.schedule(e, nowNs + remainingNs);
        return e;
    }

    private void rebind(int e, int m, int serverId) {
        if ((m & F_TEMPLATE) != 0) {
            listener.onTemplateRemoved(entries.serverId(e));
            entries.setServerId(e, serverId);
            listener.onTemplateAdded(serverId);
            return;
        }
        boolean active = (m & F_INACTIVE) == 0;
        listener.onConnectionRemoved(entries.serverId(e), active);
        if ((m & F_REPLY_INDEXED) != 0) {
            entries.unlinkReply(e);
            entries.setServerId(e, serverId);
            entries.linkReply(e);
        }
        entries.setServerId(e, serverId);
        listener.onConnectionAdded(serverId, active);
    }

    // ---------------------------------------------------------------- expiry

    /** Expires what is due at {@code nowNs}; returns how many entries were freed. */
    public int advance(long nowNs) {
        int before = size;
        wheel.advance(nowNs, expiry);
        return before - size;
    }

    private void expire(int entry, long nowNs) {
        if ((entries.meta(entry) & F_TEMPLATE) != 0 && controlled[entry] > 0) {
            wheel.schedule(entry, nowNs + entries.timeoutMs(entry) * NS_PER_MS);
            return;
        }
        expired++;
        release(entry);
    }

    private void release(int e) {
        int m = entries.meta(e);
        wheel.cancel(e);
        if ((m & F_INDEXED) != 0) {
            entries.unlinkForward(e);
        }
        if ((m & F_REPLY_INDEXED) != 0) {
            entries.unlinkReply(e);
        }
        entries.setMeta(e, m & F_QUEUED);
        free[freeCount++] = e;
        size--;
        if ((m & F_TEMPLATE) != 0) {
            listener.onTemplateRemoved(entries.serverId(e));
            return;
        }
        listener.onConnectionRemoved(entries.serverId(e), (m & F_INACTIVE) == 0);
        int t = controls[e];
        if (t != NONE && --controlled[t] == 0 && (entries.meta(t) & F_INDEXED) == 0) {
            release(t);
        }
    }

    /**
     * The next entry created or changed since the sync stream last took it, or {@link #NONE}.
     * An entry changed several times before it is taken comes out once.
     */
    public int pollChanged() {
        return changes.poll();
    }

    private static int packPorts(int clientPort, int virtualPort) {
        return (clientPort & 0xFFFF) << 16 | (virtualPort & 0xFFFF);
    }

    // ---------------------------------------------------------------- reading entries

    public int capacity() {
        return capacity;
    }

    /** Entries in use (connections and templates). */
    public int size() {
        return size;
    }

    /** Entries still free. */
    public int free() {
        return freeCount;
    }

    /** Inserts refused because the table was full, since construction. */
    public long refusedFull() {
        return refusedFull;
    }

    /** Entries freed by expiry, since construction. */
    public long expired() {
        return expired;
    }

    /** The first entry in use after {@code after} ({@link #NONE} to start), or {@link #NONE}. */
    public int nextInUse(int after) {
        for (int e = after + 1; e < capacity; e++) {
            if ((entries.meta(e) & F_IN_USE) != 0) {
                return e;
            }
        }
        return NONE;
    }

    public boolean isInUse(int e) {
        return (entries.meta(e) & F_IN_USE) != 0;
    }

    public boolean isTemplate(int e) {
        return (entries.meta(e) & F_TEMPLATE) != 0;
    }

    /** Learnt from the peer director rather than from a packet. */
    public boolean isSynced(int e) {
        return (entries.meta(e) & F_SYNCED) != 0;
    }

    /** Changed since the sync stream last took it. */
    public boolean isChanged(int e) {
        return (entries.meta(e) & F_DIRTY) != 0;
    }

    /** Counted as an active connection by its server (TCP ESTABLISHED). */
    public boolean isActive(int e) {
        return (entries.meta(e) & (F_INACTIVE | F_TEMPLATE)) == 0;
    }

    /** A DR or TUN connection of which no reply has been seen. */
    public boolean isNoOutput(int e) {
        return (entries.meta(e) & F_NO_OUTPUT) != 0;
    }

    public int protocol(int e) {
        return entries.meta(e) & PROTOCOL_MASK;
    }

    /** The {@link TcpStates} state (TCP), or {@link TcpStates#UDP_NORMAL}. */
    public int state(int e) {
        return (entries.meta(e) & STATE_MASK) >>> STATE_SHIFT;
    }

    public int serverId(int e) {
        return entries.serverId(e);
    }

    public long clientHigh(int e) {
        return entries.clientHigh(e);
    }

    public long clientLow(int e) {
        return entries.clientLow(e);
    }

    public int clientPort(int e) {
        return entries.ports(e) >>> 16;
    }

    public long virtualHigh(int e) {
        return entries.virtualHigh(e);
    }

    public long virtualLow(int e) {
        return entries.virtualLow(e);
    }

    public int virtualPort(int e) {
        return entries.ports(e) & 0xFFFF;
    }

    public long deadlineNs(int e) {
        return wheel.deadlineNs(e);
    }

    /** Idle timeout of the entry's current state. */
    public long timeoutNs(int e) {
        return entries.timeoutMs(e) * NS_PER_MS;
    }

    /** The template controlling a connection, or {@link #NONE}. */
    public int template(int e) {
        return controls[e];
    }

    /** The number of live connections a template controls. */
    public int controlledCount(int e) {
        return controlled[e];
    }

    /** Packets seen by a connection. */
    public int packets(int e) {
        return packets[e];
    }

    /** Bytes held by the table's arrays, all allocated at construction. */
    public long footprintBytes() {
        return entries.footprintBytes() + wheel.footprintBytes() + changes.footprintBytes()
                + 4L * (controls.length + controlled.length + packets.length + free.length);
    }
}
