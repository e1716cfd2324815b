package io.tandem.director.conn;

/**
 * The part of the {@link ConnectionTable}'s entries a packet touches (key, flags, server,
 * timeout), packed into one long array so that a lookup reads one or two cache lines of it,
 * and the two open-addressing indices over them.
 *
 * <pre>
 *  entry e, at b = 6e in keys[]:
 *    b+0  client address, high      b+1  client address, low      (IPv4 mapped)
 *    b+2  virtual address, high     b+3  virtual address, low
 *    b+4  ports: client &lt;&lt; 16 | virtual (upper 32 bits) | meta (lower 32 bits)
 *         meta = protocol (bits 0-7) | state (bits 8-11) | flags (bits 12-20)
 *         a template has client port 0
 *    b+5  server id (upper 32 bits) | idle timeout in ms (lower 32 bits)
 *  forward slots: key (protocol, template flag, client address:port, virtual address:port)
 *  reply slots:   key (protocol, client address:port, server id), NAT entries only
 *  both: slot = entry + 1 (0 = empty), power-of-two size at least twice the capacity, linear
 *        probing, deletion shifts the rest of the run back (no tombstones)
 * </pre>
 */
final class ConnectionEntries {
    static final int PROTOCOL_MASK = 0xFF;
    static final int STATE_SHIFT = 8;
    static final int STATE_MASK = 0xF << STATE_SHIFT;
    static final int F_TEMPLATE = 1 << 12;
    static final int F_IN_USE = 1 << 13;
    /** In the forward index (an invalidated template is not). */
    static final int F_INDEXED = 1 << 14;
    static final int F_REPLY_INDEXED = 1 << 15;
    static final int F_SYNCED = 1 << 16;
    static final int F_DIRTY = 1 << 17;
    /** In the ring of changed entries; survives the entry being freed and reused. */
    static final int F_QUEUED = 1 << 18;
    static final int F_INACTIVE = 1 << 19;
    static final int F_NO_OUTPUT = 1 << 20;
    static final int KEY_MASK = PROTOCOL_MASK | F_TEMPLATE;
    private static final long PORTS_AND_KEY = 0xFFFF_FFFF_0000_0000L | KEY_MASK;

    static final int STRIDE = 6;
    private static final long LOW = 0xFFFF_FFFFL;
    private static final long HIGH = ~LOW;

    private final long[] keys;
    private final int[] forward;
    private final int[] reply;
    private final int slotMask;
    private final long seed;

    ConnectionEntries(int capacity, long seed) {
        this.seed = seed;
        keys = new long[STRIDE * capacity];
        int slots = Integer.highestOneBit(2 * capacity - 1) << 1;
        forward = new int[slots];
        reply = new int[slots];
        slotMask = slots - 1;
    }

    /** Sets the key, and the meta to {@code meta}. */
    void setKey(int e, long clientHigh, long clientLow, int packedPorts, long virtualHigh, long virtualLow,
            int meta) {
        int b = STRIDE * e;
        keys[b] = clientHigh;
        keys[b + 1] = clientLow;
        keys[b + 2] = virtualHigh;
        keys[b + 3] = virtualLow;
        keys[b + 4] = (long) packedPorts << 32 | (meta & LOW);
    }

    int meta(int e) {
        return (int) keys[STRIDE * e + 4];
    }

    void setMeta(int e, int meta) {
        int i = STRIDE * e + 4;
        keys[i] = (keys[i] & HIGH) | (meta & LOW);
    }

    int ports(int e) {
        return (int) (keys[STRIDE * e + 4] >>> 32);
    }

    int serverId(int e) {
        return (int) (keys[STRIDE * e + 5] >>> 32);
    }

    int timeoutMs(int e) {
        return (int) keys[STRIDE * e + 5];
    }

    void setServer(int e, int serverId, int timeoutMs) {
        keys[STRIDE * e + 5] = (long) serverId << 32 | (timeoutMs & LOW);
    }

    void setServerId(int e, int serverId) {
        setServer(e, serverId, timeoutMs(e));
    }

    void setTimeoutMs(int e, int timeoutMs) {
        setServer(e, serverId(e), timeoutMs);
    }

    long clientHigh(int e) {
        return keys[STRIDE * e];
    }

    long clientLow(int e) {
        return keys[STRIDE * e + 1];
    }

    long virtualHigh(int e) {
        return keys[STRIDE * e + 2];
    }

    long virtualLow(int e) {
        return keys[STRIDE * e + 3];
    }

    int find(int keyBits, long clientHigh, long clientLow, int packedPorts, long virtualHigh, long virtualLow) {
        int pos = forwardHash(keyBits, clientHigh, clientLow, packedPorts, virtualHigh, virtualLow) & slotMask;
        long portsAndKey = (long) packedPorts << 32 | keyBits;
        while (true) {
            int slot = forward[pos];
            if (slot == 0) {
                return ConnectionTable.NONE;
            }
            int e = slot - 1;
            int b = STRIDE * e;
            if (keys[b + 1] == clientLow && (keys[b + 4] & PORTS_AND_KEY) == portsAndKey && keys[b + 3] == virtualLow
                    && keys[b] == clientHigh && keys[b + 2] == virtualHigh) {
                return e;
            }
            pos = (pos + 1) & slotMask;
        }
    }

    int findReply(int protocol, long clientHigh, long clientLow, int clientPort, int serverId) {
        int pos = replyHash(protocol, clientHigh, clientLow, clientPort, serverId) & slotMask;
        while (true) {
            int slot = reply[pos];
            if (slot == 0) {
                return ConnectionTable.NONE;
            }
            int e = slot - 1;
            int b = STRIDE * e;
            if (keys[b + 1] == clientLow && (int) (keys[b + 5] >>> 32) == serverId
                    && (keys[b + 4] & (0xFFFF_0000_0000_0000L | KEY_MASK)) == ((long) clientPort << 48 | protocol)
                    && keys[b] == clientHigh) {
                return e;
            }
            pos = (pos + 1) & slotMask;
        }
    }

    void linkForward(int e) {
        link(forward, e, forwardHashOf(e));
    }

    void unlinkForward(int e) {
        unlink(forward, e, forwardHashOf(e));
    }

    void linkReply(int e) {
        link(reply, e, replyHashOf(e));
    }

    void unlinkReply(int e) {
        unlink(reply, e, replyHashOf(e));
    }

    private void link(int[] slots, int e, int hash) {
        int pos = hash & slotMask;
        while (slots[pos] != 0) {
            pos = (pos + 1) & slotMask;
        }
        slots[pos] = e + 1;
    }

    /** Removes {@code e} and shifts back the entries after it that may fill its slot. */
    private void unlink(int[] slots, int e, int hash) {
        int hole = hash & slotMask;
        while (slots[hole] != e + 1) {
            hole = (hole + 1) & slotMask;
        }
        int j = hole;
        while (true) {
            j = (j + 1) & slotMask;
            int slot = slots[j];
            if (slot == 0) {
                break;
            }
            int home = (slots == forward ? forwardHashOf(slot - 1) : replyHashOf(slot - 1)) & slotMask;
            if (((j - home) & slotMask) >= ((j - hole) & slotMask)) {
                slots[hole] = slot;
                hole = j;
            }
        }
        slots[hole] = 0;
    }

    private int forwardHashOf(int e) {
        int b = STRIDE * e;
        return forwardHash((int) keys[b + 4] & KEY_MASK, keys[b], keys[b + 1], (int) (keys[b + 4] >>> 32),
                keys[b + 2], keys[b + 3]);
    }

    private int replyHashOf(int e) {
        int b = STRIDE * e;
        return replyHash((int) keys[b + 4] & PROTOCOL_MASK, keys[b], keys[b + 1], (int) (keys[b + 4] >>> 48),
                serverId(e));
    }

    private int forwardHash(int keyBits, long clientHigh, long clientLow, int packedPorts, long virtualHigh,
            long virtualLow) {
        long h = (clientLow ^ seed) * 0x9E37_79B9_7F4A_7C15L;
        h = (Long.rotateLeft(h, 29) ^ virtualLow) * 0xBF58_476D_1CE4_E5B9L;
        h = (Long.rotateLeft(h, 31) ^ clientHigh ^ Long.rotateLeft(virtualHigh, 17)
                ^ ((long) packedPorts << 16 | keyBits)) * 0x94D0_49BB_1331_11EBL;
        return finish(h);
    }

    private int replyHash(int protocol, long clientHigh, long clientLow, int clientPort, int serverId) {
        long h = (clientLow ^ seed) * 0x9E37_79B9_7F4A_7C15L;
        h = (Long.rotateLeft(h, 29) ^ clientHigh) * 0xBF58_476D_1CE4_E5B9L;
        h = (Long.rotateLeft(h, 31) ^ ((long) serverId << 24 | (long) clientPort << 8 | protocol))
                * 0x94D0_49BB_1331_11EBL;
        return finish(h);
    }

    private static int finish(long h) {
        h ^= h >>> 31;
        return (int) (h ^ (h >>> 32));
    }

    long footprintBytes() {
        return 8L * keys.length + 4L * (forward.length + reply.length);
    }
}
