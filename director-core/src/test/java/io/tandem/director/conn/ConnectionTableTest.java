package io.tandem.director.conn;

import static io.tandem.director.conn.ConnectionTable.INDEX_REPLIES;
import static io.tandem.director.conn.ConnectionTable.NONE;
import static io.tandem.director.conn.ConnectionTable.NO_OUTPUT;
import static io.tandem.director.conn.ConnectionTable.SYNCED;
import static io.tandem.director.conn.TcpStates.ACK;
import static io.tandem.director.conn.TcpStates.ESTABLISHED;
import static io.tandem.director.conn.TcpStates.FIN;
import static io.tandem.director.conn.TcpStates.INPUT;
import static io.tandem.director.conn.TcpStates.OUTPUT;
import static io.tandem.director.conn.TcpStates.RST;
import static io.tandem.director.conn.TcpStates.SYN;
import static io.tandem.director.conn.TcpStates.SYN_RECV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionTableTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_000 * S;
    /** Expiry is at most a level-0 tick late when advance() is called often. */
    private static final long SLACK = 200_000_000L;
    private static final long V4 = 0x0000_FFFF_0000_0000L;
    private static final long CLIENT = V4 | 0xC633_6405L;
    private static final long VIP = V4 | 0xC633_640AL;
    private static final long V6_HIGH = 0x2001_0DB8_0000_0000L;

    private final RecordingListener counts = new RecordingListener();
    private final ConnectionTable table = new ConnectionTable(64, ConnectionTimeouts.IPVS_DEFAULTS, counts, T0, 42);

    private int insertTcp(long client, int port, int server, int state, int options) {
        return table.insertConnection(TCP, 0, client, port, 0, VIP, 80, server, state, options, NONE, T0);
    }

    private void runUntil(long t) {
        for (long now = T0; now <= t; now += 50_000_000L) {
            table.advance(now);
        }
        table.advance(t);
    }

    @Test
    void shouldFindAConnectionByItsFullKeyOnly() {
        int e = insertTcp(CLIENT, 40_000, 1, SYN_RECV, NO_OUTPUT);
        assertEquals(e, table.find(TCP, 0, CLIENT, 40_000, 0, VIP, 80));
        assertEquals(NONE, table.find(TCP, 0, CLIENT, 40_001, 0, VIP, 80));
        assertEquals(NONE, table.find(TCP, 0, CLIENT + 1, 40_000, 0, VIP, 80));
        assertEquals(NONE, table.find(TCP, 0, CLIENT, 40_000, 0, VIP, 443));
        assertEquals(NONE, table.find(UDP, 0, CLIENT, 40_000, 0, VIP, 80));
        assertEquals(NONE, table.findTemplate(TCP, 0, CLIENT, 0, VIP, 80));
        assertEquals(1, table.serverId(e));
        assertEquals(40_000, table.clientPort(e));
        assertEquals(80, table.virtualPort(e));
        assertEquals(SYN_RECV, table.state(e));
    }

    @Test
    void shouldKeepIpv6ConnectionsApartFromIpv4Ones() {
        int v6 = table.insertConnection(TCP, V6_HIGH, 5, 1234, V6_HIGH, 10, 80, 2, SYN_RECV, NO_OUTPUT, NONE, T0);
        int v4 = table.insertConnection(TCP, 0, V4 | 5, 1234, 0, V4 | 10, 80, 3, SYN_RECV, NO_OUTPUT, NONE, T0);
        assertNotEquals(v6, v4);
        assertEquals(v6, table.find(TCP, V6_HIGH, 5, 1234, V6_HIGH, 10, 80));
        assertEquals(v4, table.find(TCP, 0, V4 | 5, 1234, 0, V4 | 10, 80));
        assertEquals(NONE, table.find(TCP, 0, 5, 1234, 0, 10, 80));
    }

    @Test
    void shouldExpireAConnectionAfterItsStateTimeoutWithoutPackets() {
        int e = insertTcp(CLIENT, 40_000, 1, SYN_RECV, NO_OUTPUT);
        runUntil(T0 + 60 * S - SLACK);
        assertEquals(e, table.find(TCP, 0, CLIENT, 40_000, 0, VIP, 80), "SYN_RECV lives 60 s");
        runUntil(T0 + 60 * S + SLACK);
        assertEquals(NONE, table.find(TCP, 0, CLIENT, 40_000, 0, VIP, 80));
        assertEquals(0, table.size());
        assertEquals(1, table.expired());
        assertEquals(0, counts.inactive[1]);
    }

    @Test
    void shouldPushTheDeadlineOutOnEveryPacket() {
        int e = insertTcp(CLIENT, 40_000, 1, SYN_RECV, NO_OUTPUT);
        table.onPacket(e, INPUT, ACK, T0 + 50 * S);
        assertEquals(ESTABLISHED, table.state(e));
        table.onPacket(e, INPUT, ACK, T0 + 800 * S);
        runUntil(T0 + 800 * S + 900 * S - SLACK);
        assertTrue(table.isInUse(e));
        assertEquals(T0 + 1700 * S, table.deadlineNs(e));
        runUntil(T0 + 1700 * S + SLACK);
        assertFalse(table.isInUse(e));
    }

    @Test
    void shouldExpireSoonAfterAResetEvenFromAState900SecondsLong() {
        int e = insertTcp(CLIENT, 40_000, 1, ESTABLISHED, NO_OUTPUT);
        table.onPacket(e, INPUT, RST, T0 + S);
        assertEquals(TcpStates.CLOSE, table.state(e));
        runUntil(T0 + 11 * S + SLACK);
        assertFalse(table.isInUse(e), "CLOSE lives 10 s");
    }

    @Test
    void shouldCountConnectionsActiveOnlyWhileEstablished() {
        int e = insertTcp(CLIENT, 40_000, 1, SYN_RECV, NO_OUTPUT);
        assertEquals(0, counts.active[1]);
        assertEquals(1, counts.inactive[1]);
        assertFalse(table.isActive(e));

        assertTrue(table.onPacket(e, INPUT, ACK, T0 + S));
        assertEquals(1, counts.active[1]);
        assertEquals(0, counts.inactive[1]);
        assertTrue(table.isActive(e));

        assertFalse(table.onPacket(e, INPUT, ACK, T0 + 2 * S));
        table.onPacket(e, INPUT, FIN | ACK, T0 + 3 * S);
        assertEquals(TcpStates.FIN_WAIT, table.state(e));
        assertEquals(0, counts.active[1]);
        assertEquals(1, counts.inactive[1]);

        table.remove(e);
        assertEquals(0, counts.inactive[1]);
    }

    @Test
    void shouldCountUdpConnectionsInactiveAsIpvsDoes() {
        table.insertConnection(UDP, 0, CLIENT, 5353, 0, VIP, 53, 4, TcpStates.UDP_NORMAL, NO_OUTPUT, NONE, T0);
        assertEquals(1, counts.inactive[4]);
        runUntil(T0 + 300 * S - SLACK);
        assertEquals(1, table.size());
        runUntil(T0 + 300 * S + SLACK);
        assertEquals(0, table.size());
    }

    @Test
    void shouldUseInputOnlyTransitionsUntilAReplyIsSeen() {
        int dr = insertTcp(CLIENT, 1, 1, ESTABLISHED, NO_OUTPUT);
        int nat = insertTcp(CLIENT, 2, 1, ESTABLISHED, INDEX_REPLIES);
        table.onPacket(dr, INPUT, FIN | ACK, T0);
        table.onPacket(nat, INPUT, FIN | ACK, T0);
        assertEquals(TcpStates.FIN_WAIT, table.state(dr), "INPUT_ONLY: the client closed");
        assertEquals(TcpStates.CLOSE_WAIT, table.state(nat), "INPUT: the server will close next");
        assertTrue(table.isNoOutput(dr));
        table.onPacket(dr, OUTPUT, ACK, T0);
        assertFalse(table.isNoOutput(dr), "a reply clears NO_OUTPUT");
    }

    @Test
    void shouldFindANatConnectionFromItsReply() {
        int e = table.insertConnection(TCP, 0, CLIENT, 40_000, 0, VIP, 80, 7, SYN_RECV, INDEX_REPLIES, NONE, T0);
        assertEquals(e, table.findReply(TCP, 0, CLIENT, 40_000, 7));
        assertEquals(NONE, table.findReply(TCP, 0, CLIENT, 40_000, 6));
        assertEquals(NONE, table.findReply(TCP, 0, CLIENT, 40_001, 7));
        int dr = insertTcp(CLIENT, 40_002, 7, SYN_RECV, NO_OUTPUT);
        assertEquals(NONE, table.findReply(TCP, 0, CLIENT, 40_002, 7), "DR entries are not reply-indexed");
        table.remove(e);
        assertEquals(NONE, table.findReply(TCP, 0, CLIENT, 40_000, 7));
        assertEquals(dr, table.find(TCP, 0, CLIENT, 40_002, 0, VIP, 80));
    }

    @Test
    void shouldRefuseAndCountNewEntriesWhenFull() {
        ConnectionTable small = new ConnectionTable(3, ConnectionTimeouts.IPVS_DEFAULTS, counts, T0, 1);
        for (int port = 1; port <= 3; port++) {
            assertNotEquals(NONE, small.insertConnection(TCP, 0, CLIENT, port, 0, VIP, 80, 1, SYN_RECV, 0, NONE, T0));
        }
        assertEquals(NONE, small.insertConnection(TCP, 0, CLIENT, 4, 0, VIP, 80, 1, SYN_RECV, 0, NONE, T0));
        assertEquals(1, small.refusedFull());
        assertEquals(3, small.size());
        assertEquals(0, small.free());
        small.advance(T0 + 61 * S);
        assertEquals(3, small.free(), "expiry makes room again");
        assertNotEquals(NONE, small.insertConnection(TCP, 0, CLIENT, 4, 0, VIP, 80, 1, SYN_RECV, 0, NONE, T0));
    }

    @Test
    void shouldKeepATemplateWhileItControlsConnectionsThenExpireItAfterItsTimeout() {
        int t = table.insertTemplate(TCP, 0, CLIENT & ~0xFFL, 0, VIP, 80, 2, 30 * S, 0, T0);
        assertEquals(t, table.findTemplate(TCP, 0, CLIENT & ~0xFFL, 0, VIP, 80));
        assertEquals(1, counts.templates[2]);
        int c = table.insertConnection(TCP, 0, CLIENT, 40_000, 0, VIP, 80, 2, SYN_RECV, NO_OUTPUT, t, T0);
        assertEquals(1, table.controlledCount(t));
        table.onPacket(c, INPUT, ACK, T0 + S);

        long lastPacket = T0 + 100 * S;
        for (long now = T0 + 2 * S; now <= lastPacket; now += 10 * S) {
            table.onPacket(c, INPUT, ACK, now);
            table.advance(now);
        }
        assertTrue(table.isInUse(t), "kept past its 30 s while its connection lives");
        table.onPacket(c, INPUT, RST, lastPacket);
        runUntil(lastPacket + 10 * S + SLACK);
        assertFalse(table.isInUse(c));
        assertEquals(0, table.controlledCount(t));
        assertTrue(table.isInUse(t), "the template outlives its last connection by its timeout");
        runUntil(lastPacket + 10 * S + 30 * S + SLACK);
        assertFalse(table.isInUse(t));
        assertEquals(0, counts.templates[2]);
    }

    @Test
    void shouldHideAnInvalidatedTemplateAndFreeItWithItsLastConnection() {
        int t = table.insertTemplate(TCP, 0, CLIENT, 0, VIP, 80, 2, 300 * S, 0, T0);
        int c = table.insertConnection(TCP, 0, CLIENT, 40_000, 0, VIP, 80, 2, ESTABLISHED, NO_OUTPUT, t, T0);
        table.invalidateTemplate(t);
        assertEquals(NONE, table.findTemplate(TCP, 0, CLIENT, 0, VIP, 80));
        assertTrue(table.isInUse(t));
        table.remove(c);
        assertFalse(table.isInUse(t));
        assertEquals(0, table.size());
    }

    @Test
    void shouldOfferEachNewOrChangedEntryToSyncOnce() {
        int a = insertTcp(CLIENT, 1, 1, SYN_RECV, NO_OUTPUT);
        int b = insertTcp(CLIENT, 2, 1, SYN_RECV, NO_OUTPUT);
        table.onPacket(a, INPUT, ACK, T0);
        assertTrue(table.isChanged(a));
        assertEquals(a, table.pollChanged());
        assertEquals(b, table.pollChanged());
        assertEquals(NONE, table.pollChanged());
        assertFalse(table.isChanged(a));

        table.onPacket(b, INPUT, SYN, T0);
        assertEquals(NONE, table.pollChanged(), "no state change");
        table.onPacket(b, INPUT, ACK, T0);
        assertEquals(b, table.pollChanged());
    }

    @Test
    void shouldOfferAConnectionToSyncAgainOnItsThirdAndEveryFiftiethPacket() {
        int e = insertTcp(CLIENT, 1, 1, ESTABLISHED, NO_OUTPUT);
        table.pollChanged();
        int offered = 0;
        for (int p = 2; p <= 103; p++) {
            table.onPacket(e, INPUT, ACK, T0);
            if (table.pollChanged() == e) {
                offered++;
                assertTrue(p == 3 || p == 53 || p == 103, "offered at packet " + p);
            }
        }
        assertEquals(3, offered);
    }

    @Test
    void shouldNotOfferAFreedEntryToSyncButOfferItsReuse() {
        int a = insertTcp(CLIENT, 1, 1, SYN_RECV, NO_OUTPUT);
        table.remove(a);
        assertEquals(NONE, table.pollChanged());
        int again = insertTcp(CLIENT, 2, 1, SYN_RECV, NO_OUTPUT);
        table.remove(again);
        int third = insertTcp(CLIENT, 3, 1, SYN_RECV, NO_OUTPUT);
        assertEquals(third, table.pollChanged());
        assertEquals(NONE, table.pollChanged());
    }

    @Test
    void shouldLearnSyncedEntriesWithoutOfferingThemBack() {
        int e = table.upsertSynced(TCP, false, 0, CLIENT, 40_000, 0, VIP, 80, 3, ESTABLISHED, NO_OUTPUT, 900 * S, T0);
        assertTrue(table.isSynced(e));
        assertTrue(table.isActive(e));
        assertEquals(1, counts.active[3]);
        assertEquals(NONE, table.pollChanged());
        assertEquals(e, table.find(TCP, 0, CLIENT, 40_000, 0, VIP, 80));

        int same = table.upsertSynced(TCP, false, 0, CLIENT, 40_000, 0, VIP, 80, 4, TcpStates.FIN_WAIT, NO_OUTPUT,
                120 * S, T0 + S);
        assertEquals(e, same);
        assertEquals(4, table.serverId(e));
        assertEquals(0, counts.active[3] + counts.inactive[3]);
        assertEquals(1, counts.inactive[4]);
        assertEquals(T0 + 121 * S, table.deadlineNs(e));

        int t = table.upsertSynced(TCP, true, 0, CLIENT, 0, 0, VIP, 80, 4, 0, 0, 600 * S, T0);
        assertEquals(t, table.findTemplate(TCP, 0, CLIENT, 0, VIP, 80));
        assertEquals(1, counts.templates[4]);
        assertNotEquals(NONE, t);
        assertTrue(table.isSynced(t));
        assertFalse(table.isSynced(insertTcp(CLIENT, 9, 1, SYN_RECV, SYNCED & 0)));
    }

    @Test
    void shouldVisitEveryEntryInUse() {
        int a = insertTcp(CLIENT, 1, 1, SYN_RECV, 0);
        int b = insertTcp(CLIENT, 2, 1, SYN_RECV, 0);
        int c = insertTcp(CLIENT, 3, 1, SYN_RECV, 0);
        table.remove(b);
        int seen = 0;
        for (int e = table.nextInUse(NONE); e != NONE; e = table.nextInUse(e)) {
            assertTrue(e == a || e == c);
            seen++;
        }
        assertEquals(2, seen);
    }
}
