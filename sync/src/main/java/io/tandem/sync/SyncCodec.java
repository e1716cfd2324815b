package io.tandem.sync;

import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import io.tandem.director.IpAddresses;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sync datagram: a header, a body (connection entries, or sequence ranges), and an HMAC with
 * an authkeys key, the heartbeat's keys. Every field is written and read in place in a byte
 * array, so nothing is allocated per datagram or per entry.
 *
 * <h2>Wire format, version 1</h2>
 * Big-endian.
 * <pre>
 *  offset size  field
 *  ------ ----  -----------------------------------------------------------------------
 *     0     2   magic 'T' 'S'                                        MAGIC_OFFSET
 *     2     1   version = 1                                          VERSION_OFFSET
 *     3     1   type: DATA=1 STATUS=2 ACK=3 NACK=4 BULK_REQUEST=5    TYPE_OFFSET
 *     4     1   key id (authkeys, 0..255)                            KEY_ID_OFFSET
 *     5     1   flags, DATA only: BULK_BEGIN=1 BULK_END=2 BULK=4     FLAGS_OFFSET
 *     6     2   count: entries (DATA), ranges (NACK), else 0         COUNT_OFFSET
 *     8     8   generation of the sender (its boot counter, &gt;= 1)    GENERATION_OFFSET
 *    16     8   sequence: DATA the stream's 1, 2, 3, ...; the other  SEQUENCE_OFFSET
 *               types their own control sequence 1, 2, 3, ...
 *    24     8   A: DATA of a dump (BULK): the bulk request id        A_OFFSET
 *                  STATUS: the highest DATA sequence sent
 *                  ACK, NACK: the generation of the stream answered
 *                  BULK_REQUEST: the request id
 *    32     8   B: DATA of a dump: the sequence of its BULK_BEGIN    B_OFFSET
 *                  ACK: every DATA sequence up to B was received
 *    40         body, HEADER_BYTES = 40
 *               DATA: count entries, below
 *               NACK: count ranges of missing DATA sequences, first (8) last (8)
 *   end     M   HMAC over every byte before it: 32 (sha256), 20 (sha1), 16 (md5)
 *
 *  entry (DATA body):
 *     0     1   protocol (6 TCP, 17 UDP, ...)
 *     1     1   flags: TEMPLATE=1 IPV6=2 (client, virtual) REAL_IPV6=4
 *     2     1   state (TcpStates; 0 for UDP and templates)
 *     3     1   reserved, 0
 *     4     2   client port (0 in a template)
 *     6     2   virtual port
 *     8     2   real server port
 *    10     2   reserved, 0
 *    12     4   timeout ms: the idle timeout of its state (a template: the persistence timeout)
 *    16     4   remaining ms: how long the sender would still keep it, when sent
 *    20   4|16  client address (a template: the masked client address)
 *         4|16  virtual address
 *         4|16  real server address
 *  IPv4: 32 bytes an entry; IPv6: 68 (an IPv6 service with IPv4 real servers: 56)
 * </pre>
 * A datagram is at most {@value #MAX_DATAGRAM_BYTES} bytes, so it fits an IPv4 or IPv6 packet on a
 * 1500-byte link unfragmented: 42 IPv4 entries (33.7 bytes an entry with the header and
 * HMAC-SHA256; 34.4 with IPv4 and UDP headers) or 20 IPv6 ones (71.6; 74.0 over IPv6).
 *
 * <h2>Decoding</h2>
 * {@link #verify} never throws: size, magic, version, type, key id, MAC (compared in constant
 * time), then the body's structure, in that order; it returns {@code null} when the datagram is
 * good and the {@link DropReason} otherwise. Replay and gaps are the receiver's business.
 *
 * <p>A codec holds its keys' digests and is not thread-safe: one per thread.
 */
public final class SyncCodec {
    /** The two magic bytes 'T' 'S'. */
    public static final int MAGIC = ('T' << 8) | 'S';
    /** The version this codec speaks. */
    public static final int VERSION = 1;
    /** Largest datagram sent or accepted. */
    public static final int MAX_DATAGRAM_BYTES = 1432;
    /** Longest MAC of any supported algorithm. */
    public static final int MAX_MAC_BYTES = 32;
    /** Default UDP port, IPVS's sync port. */
    public static final int DEFAULT_PORT = 8848;

    public static final int TYPE_DATA = 1;
    public static final int TYPE_STATUS = 2;
    public static final int TYPE_ACK = 3;
    public static final int TYPE_NACK = 4;
    public static final int TYPE_BULK_REQUEST = 5;

    /** DATA flag: the first datagram of a full dump. */
    public static final int FLAG_BULK_BEGIN = 1;
    /** DATA flag: the last datagram of a full dump. */
    public static final int FLAG_BULK_END = 2;
    /** DATA flag: a datagram sent while a full dump runs (A and B name the dump). */
    public static final int FLAG_BULK = 4;

    /** Entry flag: a persistence template. */
    public static final int ENTRY_TEMPLATE = 1;
    /** Entry flag: client and virtual addresses are IPv6. */
    public static final int ENTRY_IPV6 = 2;
    /** Entry flag: the real server's address is IPv6. */
    public static final int ENTRY_REAL_IPV6 = 4;
    private static final int ENTRY_FLAGS = ENTRY_TEMPLATE | ENTRY_IPV6 | ENTRY_REAL_IPV6;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 2;
    static final int TYPE_OFFSET = 3;
    static final int KEY_ID_OFFSET = 4;
    static final int FLAGS_OFFSET = 5;
    static final int COUNT_OFFSET = 6;
    static final int GENERATION_OFFSET = 8;
    static final int SEQUENCE_OFFSET = 16;
    static final int A_OFFSET = 24;
    static final int B_OFFSET = 32;
    /** Bytes before the body. */
    public static final int HEADER_BYTES = 40;
    /** Bytes of a range in a NACK. */
    public static final int RANGE_BYTES = 16;
    /** Most ranges a NACK carries. */
    public static final int MAX_RANGES = (MAX_DATAGRAM_BYTES - HEADER_BYTES - MAX_MAC_BYTES) / RANGE_BYTES;
    /** Most body bytes of any datagram, whatever the key. */
    public static final int MAX_BODY_BYTES = MAX_DATAGRAM_BYTES - HEADER_BYTES - MAX_MAC_BYTES;

    static final int E_PROTOCOL = 0;
    static final int E_FLAGS = 1;
    static final int E_STATE = 2;
    static final int E_RESERVED = 3;
    static final int E_CLIENT_PORT = 4;
    static final int E_VIRTUAL_PORT = 6;
    static final int E_REAL_PORT = 8;
    static final int E_RESERVED2 = 10;
    static final int E_TIMEOUT = 12;
    static final int E_REMAINING = 16;
    static final int E_ADDRESSES = 20;
    /** Bytes of an IPv4 entry. */
    public static final int IPV4_ENTRY_BYTES = E_ADDRESSES + 12;
    /** Bytes of an IPv6 entry (IPv6 real server too). */
    public static final int IPV6_ENTRY_BYTES = E_ADDRESSES + 48;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final long IPV4_MAPPED = 0x0000_FFFF_0000_0000L;

    private final byte[] expectedMac = new byte[64];
    private SigningKey[] slots;
    private SigningKey active;

    /** A codec signing with {@code keys.active()} and accepting any listed key. */
    public SyncCodec(AuthKeys keys) {
        updateKeys(keys);
    }

    /** Key rotation: sign with the new active key, accept any listed key. */
    public void updateKeys(AuthKeys keys) {
        SigningKey[] next = new SigningKey[256];
        for (AuthKey k : keys.keys().values()) {
            if (k.id() < 0 || k.id() > 255) {
                throw new IllegalArgumentException("authkeys key id=" + k.id() + " must be in [0, 255] for sync");
            }
            next[k.id()] = new SigningKey(k);
        }
        slots = next;
        active = next[keys.activeId()];
    }

    /** Length of the MAC the active key appends. */
    public int macLength() {
        return active.macLength;
    }

    // ---------------------------------------------------------------- writing

    /** Writes a header at the start of {@code b}; the key id is filled in by {@link #sign}. */
    public static void putHeader(byte[] b, int type, int flags, int count, long generation, long sequence, long a,
            long bField) {
        SHORT.set(b, MAGIC_OFFSET, (short) MAGIC);
        b[VERSION_OFFSET] = (byte) VERSION;
        b[TYPE_OFFSET] = (byte) type;
        b[KEY_ID_OFFSET] = 0;
        b[FLAGS_OFFSET] = (byte) flags;
        SHORT.set(b, COUNT_OFFSET, (short) count);
        LONG.set(b, GENERATION_OFFSET, generation);
        LONG.set(b, SEQUENCE_OFFSET, sequence);
        LONG.set(b, A_OFFSET, a);
        LONG.set(b, B_OFFSET, bField);
    }

    static void setCount(byte[] b, int count) {
        SHORT.set(b, COUNT_OFFSET, (short) count);
    }

    static void setFlags(byte[] b, int flags) {
        b[FLAGS_OFFSET] = (byte) flags;
    }

    static void setA(byte[] b, long a) {
        LONG.set(b, A_OFFSET, a);
    }

    static void setB(byte[] b, long bField) {
        LONG.set(b, B_OFFSET, bField);
    }

    /** Bytes an entry of these families takes. */
    public static int entryBytes(boolean ipv6, boolean realIpv6) {
        return E_ADDRESSES + (ipv6 ? 32 : 8) + (realIpv6 ? 16 : 4);
    }

    /**
     * Writes an entry at {@code off}; addresses as {@link IpAddresses} longs.
     *
     * @return the offset after it
     */
    public static int putEntry(byte[] b, int off, int protocol, boolean template, int state,
            long clientHigh, long clientLow, int clientPort, long virtualHigh, long virtualLow, int virtualPort,
            long realHigh, long realLow, int realPort, long timeoutMs, long remainingMs) {
        boolean ipv6 = !IpAddresses.isIPv4(virtualHigh, virtualLow);
        boolean realIpv6 = !IpAddresses.isIPv4(realHigh, realLow);
        b[off + E_PROTOCOL] = (byte) protocol;
        b[off + E_FLAGS] = (byte) ((template ? ENTRY_TEMPLATE : 0) | (ipv6 ? ENTRY_IPV6 : 0)
                | (realIpv6 ? ENTRY_REAL_IPV6 : 0));
        b[off + E_STATE] = (byte) state;
        b[off + E_RESERVED] = 0;
        SHORT.set(b, off + E_CLIENT_PORT, (short) clientPort);
        SHORT.set(b, off + E_VIRTUAL_PORT, (short) virtualPort);
        SHORT.set(b, off + E_REAL_PORT, (short) realPort);
        SHORT.set(b, off + E_RESERVED2, (short) 0);
        INT.set(b, off + E_TIMEOUT, (int) clamp(timeoutMs));
        INT.set(b, off + E_REMAINING, (int) clamp(remainingMs));
        int p = off + E_ADDRESSES;
        p = putAddress(b, p, ipv6, clientHigh, clientLow);
        p = putAddress(b, p, ipv6, virtualHigh, virtualLow);
        return putAddress(b, p, realIpv6, realHigh, realLow);
    }

    private static long clamp(long ms) {
        return ms < 0 ? 0 : Math.min(ms, 0xFFFF_FFFFL);
    }

    private static int putAddress(byte[] b, int p, boolean ipv6, long high, long low) {
        if (ipv6) {
            LONG.set(b, p, high);
            LONG.set(b, p + 8, low);
            return p + 16;
        }
        INT.set(b, p, (int) low);
        return p + 4;
    }

    /** Puts a NACK range at {@code off}; returns the offset after it. */
    public static int putRange(byte[] b, int off, long first, long last) {
        LONG.set(b, off, first);
        LONG.set(b, off + 8, last);
        return off + RANGE_BYTES;
    }

    /**
     * Signs {@code b[0, end)} with the active key: sets the key id and appends the MAC.
     *
     * @return the datagram's length
     */
    public int sign(byte[] b, int end) {
        SigningKey k = active;
        b[KEY_ID_OFFSET] = (byte) k.id;
        k.hmac.compute(b, 0, end, b, end);
        return end + k.macLength;
    }

    // ---------------------------------------------------------------- reading

    /**
     * Checks a received datagram {@code b[0, length)}: null if it is authentic and well formed,
     * else why it is not. Never throws, allocates nothing.
     */
    public DropReason verify(byte[] b, int length) {
        if (length < HEADER_BYTES + 16 || length > MAX_DATAGRAM_BYTES) {
            return DropReason.BAD_LENGTH;
        }
        if ((short) SHORT.get(b, MAGIC_OFFSET) != (short) MAGIC) {
            return DropReason.BAD_MAGIC;
        }
        if (b[VERSION_OFFSET] != VERSION) {
            return DropReason.BAD_VERSION;
        }
        int type = type(b);
        if (type < TYPE_DATA || type > TYPE_BULK_REQUEST) {
            return DropReason.BAD_TYPE;
        }
        SigningKey k = slots[b[KEY_ID_OFFSET] & 0xFF];
        if (k == null) {
            return DropReason.UNKNOWN_KEY;
        }
        int end = length - k.macLength;
        if (end < HEADER_BYTES) {
            return DropReason.BAD_LENGTH;
        }
        k.hmac.compute(b, 0, end, expectedMac, 0);
        int diff = 0;
        for (int i = 0; i < k.macLength; i++) {
            diff |= expectedMac[i] ^ b[end + i];
        }
        if (diff != 0) {
            return DropReason.BAD_MAC;
        }
        return checkBody(b, type, end) ? null : DropReason.MALFORMED;
    }

    private static boolean checkBody(byte[] b, int type, int end) {
        int count = count(b);
        if (generation(b) < 1 || sequence(b) < 1) {
            return false;
        }
        switch (type) {
            case TYPE_DATA:
                int p = HEADER_BYTES;
                for (int i = 0; i < count; i++) {
                    if (p + IPV4_ENTRY_BYTES > end) {
                        return false;
                    }
                    int flags = b[p + E_FLAGS] & 0xFF;
                    if ((flags & ~ENTRY_FLAGS) != 0 || b[p + E_RESERVED] != 0
                            || (short) SHORT.get(b, p + E_RESERVED2) != 0 || (b[p + E_STATE] & 0xF0) != 0) {
                        return false;
                    }
                    p += entryBytes((flags & ENTRY_IPV6) != 0, (flags & ENTRY_REAL_IPV6) != 0);
                }
                return p == end;
            case TYPE_NACK:
                if (count < 1 || HEADER_BYTES + count * RANGE_BYTES != end) {
                    return false;
                }
                for (int i = 0; i < count; i++) {
                    long first = rangeFirst(b, i);
                    if (first < 1 || rangeLast(b, i) < first) {
                        return false;
                    }
                }
                return true;
            default:
                return count == 0 && end == HEADER_BYTES;
        }
    }

    public static int type(byte[] b) {
        return b[TYPE_OFFSET] & 0xFF;
    }

    public static int keyId(byte[] b) {
        return b[KEY_ID_OFFSET] & 0xFF;
    }

    public static int flags(byte[] b) {
        return b[FLAGS_OFFSET] & 0xFF;
    }

    public static int count(byte[] b) {
        return (short) SHORT.get(b, COUNT_OFFSET) & 0xFFFF;
    }

    public static long generation(byte[] b) {
        return (long) LONG.get(b, GENERATION_OFFSET);
    }

    public static long sequence(byte[] b) {
        return (long) LONG.get(b, SEQUENCE_OFFSET);
    }

    public static long a(byte[] b) {
        return (long) LONG.get(b, A_OFFSET);
    }

    public static long b(byte[] b) {
        return (long) LONG.get(b, B_OFFSET);
    }

    public static long rangeFirst(byte[] b, int i) {
        return (long) LONG.get(b, HEADER_BYTES + i * RANGE_BYTES);
    }

    public static long rangeLast(byte[] b, int i) {
        return (long) LONG.get(b, HEADER_BYTES + i * RANGE_BYTES + 8);
    }

    // Entries of a verified DATA datagram, by offset; the first is at HEADER_BYTES.

    /** Length of the entry at {@code off}. */
    public static int entryLength(byte[] b, int off) {
        int flags = b[off + E_FLAGS];
        return entryBytes((flags & ENTRY_IPV6) != 0, (flags & ENTRY_REAL_IPV6) != 0);
    }

    public static int entryProtocol(byte[] b, int off) {
        return b[off + E_PROTOCOL] & 0xFF;
    }

    public static boolean entryIsTemplate(byte[] b, int off) {
        return (b[off + E_FLAGS] & ENTRY_TEMPLATE) != 0;
    }

    public static int entryState(byte[] b, int off) {
        return b[off + E_STATE] & 0x0F;
    }

    public static int entryClientPort(byte[] b, int off) {
        return (short) SHORT.get(b, off + E_CLIENT_PORT) & 0xFFFF;
    }

    public static int entryVirtualPort(byte[] b, int off) {
        return (short) SHORT.get(b, off + E_VIRTUAL_PORT) & 0xFFFF;
    }

    public static int entryRealPort(byte[] b, int off) {
        return (short) SHORT.get(b, off + E_REAL_PORT) & 0xFFFF;
    }

    public static long entryTimeoutMs(byte[] b, int off) {
        return (int) INT.get(b, off + E_TIMEOUT) & 0xFFFF_FFFFL;
    }

    public static long entryRemainingMs(byte[] b, int off) {
        return (int) INT.get(b, off + E_REMAINING) & 0xFFFF_FFFFL;
    }

    public static long entryClientHigh(byte[] b, int off) {
        return high(b, off, 0, 0);
    }

    public static long entryClientLow(byte[] b, int off) {
        return low(b, off, 0, 0);
    }

    public static long entryVirtualHigh(byte[] b, int off) {
        return high(b, off, 16, 4);
    }

    public static long entryVirtualLow(byte[] b, int off) {
        return low(b, off, 16, 4);
    }

    public static long entryRealHigh(byte[] b, int off) {
        if ((b[off + E_FLAGS] & ENTRY_REAL_IPV6) == 0) {
            return 0;
        }
        return (long) LONG.get(b, realAt(b, off));
    }

    public static long entryRealLow(byte[] b, int off) {
        int at = realAt(b, off);
        if ((b[off + E_FLAGS] & ENTRY_REAL_IPV6) == 0) {
            return IPV4_MAPPED | ((int) INT.get(b, at) & 0xFFFF_FFFFL);
        }
        return (long) LONG.get(b, at + 8);
    }

    private static int realAt(byte[] b, int off) {
        return off + E_ADDRESSES + ((b[off + E_FLAGS] & ENTRY_IPV6) != 0 ? 32 : 8);
    }

    private static long high(byte[] b, int off, int v6At, int v4At) {
        if ((b[off + E_FLAGS] & ENTRY_IPV6) == 0) {
            return 0;
        }
        return (long) LONG.get(b, off + E_ADDRESSES + v6At);
    }

    private static long low(byte[] b, int off, int v6At, int v4At) {
        if ((b[off + E_FLAGS] & ENTRY_IPV6) == 0) {
            return IPV4_MAPPED | ((int) INT.get(b, off + E_ADDRESSES + v4At) & 0xFFFF_FFFFL);
        }
        return (long) LONG.get(b, off + E_ADDRESSES + v6At + 8);
    }

    /** One authkeys key, ready to sign and verify. */
    private static final class SigningKey {
        final int id;
        final io.tandem.config.Hmac hmac;
        final int macLength;

        SigningKey(AuthKey key) {
            AuthAlgorithm algorithm = key.algorithm();
            id = key.id();
            macLength = algorithm.macLength();
            try {
                Mac.getInstance(algorithm.macName()).init(new SecretKeySpec(key.secret(), algorithm.macName()));
            } catch (InvalidKeyException | IllegalArgumentException e) {
                throw new IllegalArgumentException("authkeys key id=" + id + " is unusable as an "
                        + algorithm.macName() + " key: " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM has no " + algorithm.macName(), e);
            }
            hmac = new io.tandem.config.Hmac(algorithm, key.secret());
        }
    }
}
