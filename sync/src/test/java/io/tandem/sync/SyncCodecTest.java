package io.tandem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import io.tandem.director.IpAddresses;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SyncCodecTest {
    private static final long V4 = IpAddresses.ipv4Low(0xC633_640A);
    private final SyncCodec codec = new SyncCodec(Keys.ONE);

    private static long low(String address) throws Exception {
        return IpAddresses.low(InetAddress.getByName(address));
    }

    private static long high(String address) throws Exception {
        return IpAddresses.high(InetAddress.getByName(address));
    }

    /** One DATA datagram with the given entries written by {@code body}; returns its length. */
    private int data(byte[] b, int count, int end) {
        SyncCodec.putHeader(b, SyncCodec.TYPE_DATA, 0, count, 7, 42, 0, 0);
        return codec.sign(b, end);
    }

    @Test
    void shouldCarryAnIpv4EntryIn32BytesAndReadItBack() throws Exception {
        byte[] b = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
        int end = SyncCodec.putEntry(b, SyncCodec.HEADER_BYTES, 6, false, 1, 0, low("203.0.113.9"), 40_000,
                0, V4, 80, 0, low("198.51.100.21"), 8080, 900_000, 899_123);
        assertEquals(SyncCodec.HEADER_BYTES + 32, end);
        int length = data(b, 1, end);
        assertNull(codec.verify(b, length));
        int p = SyncCodec.HEADER_BYTES;
        assertEquals(6, SyncCodec.entryProtocol(b, p));
        assertFalse(SyncCodec.entryIsTemplate(b, p));
        assertEquals(1, SyncCodec.entryState(b, p));
        assertEquals(0, SyncCodec.entryClientHigh(b, p));
        assertEquals(low("203.0.113.9"), SyncCodec.entryClientLow(b, p));
        assertEquals(40_000, SyncCodec.entryClientPort(b, p));
        assertEquals(V4, SyncCodec.entryVirtualLow(b, p));
        assertEquals(80, SyncCodec.entryVirtualPort(b, p));
        assertEquals(low("198.51.100.21"), SyncCodec.entryRealLow(b, p));
        assertEquals(8080, SyncCodec.entryRealPort(b, p));
        assertEquals(900_000, SyncCodec.entryTimeoutMs(b, p));
        assertEquals(899_123, SyncCodec.entryRemainingMs(b, p));
        assertEquals(7, SyncCodec.generation(b));
        assertEquals(42, SyncCodec.sequence(b));
        assertEquals(1, SyncCodec.keyId(b));
    }

    @Test
    void shouldCarryAnIpv6EntryIn68Bytes() throws Exception {
        byte[] b = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
        int end = SyncCodec.putEntry(b, SyncCodec.HEADER_BYTES, 17, true, 0, high("2001:db8:1::9"),
                low("2001:db8:1::9"), 0, high("2001:db8::10"), low("2001:db8::10"), 53, high("2001:db8::21"),
                low("2001:db8::21"), 53, 300_000, 1);
        assertEquals(SyncCodec.HEADER_BYTES + 68, end);
        assertNull(codec.verify(b, data(b, 1, end)));
        int p = SyncCodec.HEADER_BYTES;
        assertTrue(SyncCodec.entryIsTemplate(b, p));
        assertEquals(high("2001:db8:1::9"), SyncCodec.entryClientHigh(b, p));
        assertEquals(low("2001:db8:1::9"), SyncCodec.entryClientLow(b, p));
        assertEquals(high("2001:db8::10"), SyncCodec.entryVirtualHigh(b, p));
        assertEquals(low("2001:db8::10"), SyncCodec.entryVirtualLow(b, p));
        assertEquals(high("2001:db8::21"), SyncCodec.entryRealHigh(b, p));
        assertEquals(low("2001:db8::21"), SyncCodec.entryRealLow(b, p));
    }

    @Test
    void shouldFitFortyTwoIpv4EntriesInADatagram() {
        int perDatagram = SyncCodec.MAX_BODY_BYTES / SyncCodec.IPV4_ENTRY_BYTES;
        assertEquals(42, perDatagram);
        int bytes = SyncCodec.HEADER_BYTES + perDatagram * SyncCodec.IPV4_ENTRY_BYTES + 32;
        assertTrue(bytes <= SyncCodec.MAX_DATAGRAM_BYTES);
        assertTrue((bytes + 28.0) / perDatagram <= 48.0, "with IP and UDP headers, at most 48 bytes an entry");
        assertEquals(20, SyncCodec.MAX_BODY_BYTES / SyncCodec.IPV6_ENTRY_BYTES);
    }

    @Property(tries = 300)
    void shouldReadBackEveryEntryItWrote(@ForAll @IntRange(min = 0, max = 255) int protocol,
            @ForAll boolean template, @ForAll @IntRange(min = 0, max = 15) int state, @ForAll long clientBits,
            @ForAll @IntRange(min = 0, max = 65_535) int clientPort, @ForAll boolean ipv6,
            @ForAll boolean realIpv6, @ForAll long realBits, @ForAll @IntRange(min = 0, max = 65_535) int realPort,
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long timeoutMs,
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long remainingMs) {
        long clientHigh = ipv6 ? clientBits ^ 0x2001_0DB8_0000_0000L : 0;
        long clientLow = ipv6 ? clientBits : IpAddresses.ipv4Low((int) clientBits);
        long virtualHigh = ipv6 ? 0x2001_0DB8_0000_0000L : 0;
        long virtualLow = ipv6 ? 0x10 : V4;
        long realHigh = realIpv6 ? 0x2001_0DB8_0000_0001L : 0;
        long realLow = realIpv6 ? realBits : IpAddresses.ipv4Low((int) realBits);
        byte[] b = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
        int end = SyncCodec.HEADER_BYTES;
        for (int i = 0; i < 3; i++) {
            end = SyncCodec.putEntry(b, end, protocol, template, state, clientHigh, clientLow, clientPort, virtualHigh,
                    virtualLow, 443, realHigh, realLow, realPort, timeoutMs, remainingMs);
        }
        assertNull(codec.verify(b, data(b, 3, end)));
        int p = SyncCodec.HEADER_BYTES;
        for (int i = 0; i < 3; i++) {
            assertEquals(protocol, SyncCodec.entryProtocol(b, p));
            assertEquals(template, SyncCodec.entryIsTemplate(b, p));
            assertEquals(state, SyncCodec.entryState(b, p));
            assertEquals(clientHigh, SyncCodec.entryClientHigh(b, p));
            assertEquals(clientLow, SyncCodec.entryClientLow(b, p));
            assertEquals(clientPort, SyncCodec.entryClientPort(b, p));
            assertEquals(virtualHigh, SyncCodec.entryVirtualHigh(b, p));
            assertEquals(virtualLow, SyncCodec.entryVirtualLow(b, p));
            assertEquals(443, SyncCodec.entryVirtualPort(b, p));
            assertEquals(realHigh, SyncCodec.entryRealHigh(b, p));
            assertEquals(realLow, SyncCodec.entryRealLow(b, p));
            assertEquals(realPort, SyncCodec.entryRealPort(b, p));
            assertEquals(timeoutMs, SyncCodec.entryTimeoutMs(b, p));
            assertEquals(remainingMs, SyncCodec.entryRemainingMs(b, p));
            p += SyncCodec.entryLength(b, p);
        }
    }

    @Property(tries = 300)
    void shouldRefuseADatagramWithAnyByteChanged(@ForAll @IntRange(min = 0, max = 40 + 64 + 32 - 1) int at,
            @ForAll @IntRange(min = 1, max = 255) int xor) throws Exception {
        byte[] b = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
        int end = SyncCodec.putEntry(b, SyncCodec.HEADER_BYTES, 6, false, 1, 0, low("203.0.113.9"), 40_000, 0, V4,
                80, 0, low("198.51.100.21"), 80, 900_000, 1000);
        end = SyncCodec.putEntry(b, end, 6, false, 1, 0, low("203.0.113.10"), 40_001, 0, V4, 80, 0,
                low("198.51.100.22"), 80, 900_000, 1000);
        int length = data(b, 2, end);
        assertEquals(40 + 64 + 32, length);
        b[at] ^= (byte) xor;
        assertTrue(codec.verify(b, length) != null, "byte " + at + " changed must be refused");
    }

    @Test
    void shouldNameWhyADatagramIsRefused() {
        byte[] b = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
        int length = data(b, 0, SyncCodec.HEADER_BYTES);
        assertNull(codec.verify(b, length));
        assertEquals(DropReason.BAD_LENGTH, codec.verify(b, 20));
        assertEquals(DropReason.BAD_LENGTH, codec.verify(b, SyncCodec.MAX_DATAGRAM_BYTES + 1));
        assertEquals(DropReason.BAD_MAC, new SyncCodec(Keys.OTHER_SECRET).verify(b, length), "forged");
        assertEquals(DropReason.UNKNOWN_KEY, new SyncCodec(Keys.of(9, "x-secret")).verify(b, length));
        byte[] c = b.clone();
        c[0] = 'X';
        assertEquals(DropReason.BAD_MAGIC, codec.verify(c, length));
        c = b.clone();
        c[2] = 2;
        assertEquals(DropReason.BAD_VERSION, codec.verify(c, length));
        c = b.clone();
        c[3] = 9;
        assertEquals(DropReason.BAD_TYPE, codec.verify(c, length));
    }

    @Test
    void shouldRefuseAnAuthenticDatagramWhoseCountDoesNotMatchItsBody() {
        byte[] b = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
        int end = SyncCodec.putEntry(b, SyncCodec.HEADER_BYTES, 6, false, 1, 0, V4, 1, 0, V4, 80, 0, V4, 80, 1, 1);
        assertEquals(DropReason.MALFORMED, codec.verify(b, data(b, 2, end)));
        assertEquals(DropReason.MALFORMED, codec.verify(b, data(b, 0, end)));
        SyncCodec.putHeader(b, SyncCodec.TYPE_ACK, 0, 0, 7, 0, 7, 5);
        assertEquals(DropReason.MALFORMED, codec.verify(b, codec.sign(b, SyncCodec.HEADER_BYTES)), "sequence 0");
        SyncCodec.putHeader(b, SyncCodec.TYPE_NACK, 0, 1, 7, 1, 7, 0);
        int nackEnd = SyncCodec.putRange(b, SyncCodec.HEADER_BYTES, 9, 3);
        assertEquals(DropReason.MALFORMED, codec.verify(b, codec.sign(b, nackEnd)), "range backwards");
    }

    @Test
    void shouldAcceptTheOldKeyDuringARotationAndSignWithTheNewOne() {
        byte[] b = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
        int length = data(b, 0, SyncCodec.HEADER_BYTES);
        SyncCodec rotated = new SyncCodec(Keys.rotated());
        assertNull(rotated.verify(b, length), "key 1 still accepted");
        SyncCodec.putHeader(b, SyncCodec.TYPE_DATA, 0, 0, 7, 43, 0, 0);
        int signed = rotated.sign(b, SyncCodec.HEADER_BYTES);
        assertEquals(2, SyncCodec.keyId(b));
        assertEquals(DropReason.UNKNOWN_KEY, codec.verify(b, signed), "a node without key 2 cannot read it");
    }

    @Test
    void shouldWorkWithShorterMacs() {
        AuthKeys md5 = new AuthKeys(3, Map.of(3, new AuthKey(3, AuthAlgorithm.MD5,
                "m".getBytes(StandardCharsets.UTF_8))));
        SyncCodec c = new SyncCodec(md5);
        byte[] b = new byte[SyncCodec.MAX_DATAGRAM_BYTES];
        SyncCodec.putHeader(b, SyncCodec.TYPE_STATUS, 0, 0, 1, 1, 5, 0);
        int length = c.sign(b, SyncCodec.HEADER_BYTES);
        assertEquals(SyncCodec.HEADER_BYTES + 16, length);
        assertNull(c.verify(b, length));
    }
}
