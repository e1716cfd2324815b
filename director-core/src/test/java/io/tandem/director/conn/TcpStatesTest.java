package io.tandem.director.conn;

import static io.tandem.director.conn.TcpStates.ACK;
import static io.tandem.director.conn.TcpStates.CLOSE;
import static io.tandem.director.conn.TcpStates.CLOSE_WAIT;
import static io.tandem.director.conn.TcpStates.ESTABLISHED;
import static io.tandem.director.conn.TcpStates.FIN;
import static io.tandem.director.conn.TcpStates.FIN_WAIT;
import static io.tandem.director.conn.TcpStates.INPUT;
import static io.tandem.director.conn.TcpStates.INPUT_ONLY;
import static io.tandem.director.conn.TcpStates.LAST_ACK;
import static io.tandem.director.conn.TcpStates.NONE;
import static io.tandem.director.conn.TcpStates.OUTPUT;
import static io.tandem.director.conn.TcpStates.PSH;
import static io.tandem.director.conn.TcpStates.RST;
import static io.tandem.director.conn.TcpStates.SYN;
import static io.tandem.director.conn.TcpStates.SYN_RECV;
import static io.tandem.director.conn.TcpStates.SYN_SENT;
import static io.tandem.director.conn.TcpStates.TIME_WAIT;
import static io.tandem.director.conn.TcpStates.next;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** IPVS's TCP state table, walked through the exchanges a director sees. */
class TcpStatesTest {
    private static int walk(int state, int[][] packets) {
        for (int[] p : packets) {
            state = next(state, p[0], p[1]);
        }
        return state;
    }

    @Test
    void shouldEstablishADirectRoutedConnectionFromTheClientsPacketsAlone() {
        assertEquals(SYN_RECV, next(NONE, INPUT_ONLY, SYN));
        assertEquals(ESTABLISHED, next(SYN_RECV, INPUT_ONLY, ACK));
        assertEquals(ESTABLISHED, next(ESTABLISHED, INPUT_ONLY, ACK | PSH));
    }

    @Test
    void shouldWaitInFinWaitAfterTheClientClosesADirectRoutedConnection() {
        int state = walk(NONE, new int[][] {{INPUT_ONLY, SYN}, {INPUT_ONLY, ACK}, {INPUT_ONLY, FIN | ACK},
            {INPUT_ONLY, ACK}});
        assertEquals(FIN_WAIT, state);
    }

    @Test
    void shouldFollowANatHandshakeAndCloseInBothDirections() {
        int state = next(NONE, INPUT, SYN);
        assertEquals(SYN_RECV, state);
        state = next(state, OUTPUT, SYN | ACK);
        assertEquals(SYN_RECV, state);
        state = next(state, INPUT, ACK);
        assertEquals(ESTABLISHED, state);
        state = next(state, OUTPUT, FIN | ACK);
        assertEquals(FIN_WAIT, state, "the server closes first");
        state = next(state, INPUT, ACK);
        assertEquals(FIN_WAIT, state);
        state = next(state, INPUT, FIN | ACK);
        assertEquals(TIME_WAIT, state);
    }

    @Test
    void shouldGoToCloseWaitWhenTheClientClosesANatConnection() {
        assertEquals(CLOSE_WAIT, next(ESTABLISHED, INPUT, FIN | ACK));
        assertEquals(TIME_WAIT, next(CLOSE_WAIT, OUTPUT, FIN | ACK));
        assertEquals(LAST_ACK, next(LAST_ACK, INPUT, RST), "IPVS keeps LAST_ACK on an input RST");
    }

    @Test
    void shouldCloseOnResetWhateverTheOtherFlags() {
        assertEquals(CLOSE, next(ESTABLISHED, INPUT_ONLY, RST | ACK));
        assertEquals(CLOSE, next(ESTABLISHED, OUTPUT, RST));
        assertEquals(CLOSE, next(ESTABLISHED, INPUT, RST | SYN));
        assertEquals(SYN_SENT, next(SYN_SENT, OUTPUT, RST), "IPVS ignores a server RST before the handshake");
    }

    @Test
    void shouldCountSynFirstThenFinThenAck() {
        assertEquals(SYN_RECV, next(NONE, INPUT, SYN | FIN));
        assertEquals(CLOSE_WAIT, next(ESTABLISHED, INPUT, FIN | ACK));
    }

    @Test
    void shouldCloseOnAPacketWithNoneOfTheFlags() {
        assertEquals(CLOSE, next(ESTABLISHED, INPUT, 0));
        assertEquals(CLOSE, next(ESTABLISHED, INPUT_ONLY, PSH));
    }

    @Test
    void shouldReopenATimeWaitConnectionOnANewSyn() {
        assertEquals(SYN_RECV, next(TIME_WAIT, INPUT_ONLY, SYN));
        assertEquals(SYN_RECV, next(CLOSE, INPUT, SYN));
    }

    @Test
    void shouldUseIpvsDefaultTimeouts() {
        ConnectionTimeouts t = ConnectionTimeouts.IPVS_DEFAULTS;
        long s = 1_000_000_000L;
        assertEquals(900 * s, t.tcpNs(ESTABLISHED));
        assertEquals(120 * s, t.tcpNs(SYN_SENT));
        assertEquals(60 * s, t.tcpNs(SYN_RECV));
        assertEquals(120 * s, t.tcpNs(FIN_WAIT));
        assertEquals(120 * s, t.tcpNs(TIME_WAIT));
        assertEquals(10 * s, t.tcpNs(CLOSE));
        assertEquals(60 * s, t.tcpNs(CLOSE_WAIT));
        assertEquals(30 * s, t.tcpNs(LAST_ACK));
        assertEquals(120 * s, t.tcpNs(TcpStates.LISTEN));
        assertEquals(120 * s, t.tcpNs(TcpStates.SYNACK));
        assertEquals(300 * s, t.udpNs());
        assertEquals(7200 * s, t.withTcp(ESTABLISHED, Duration.ofHours(2)).tcpNs(ESTABLISHED));
        assertEquals(900 * s, t.tcpNs(ESTABLISHED), "the defaults are not changed by a copy");
    }

    @Test
    void shouldNameStatesAsIpvsadmDoes() {
        assertEquals("ESTABLISHED", TcpStates.name(ESTABLISHED));
        assertEquals("SYN_RECV", TcpStates.name(SYN_RECV));
        assertEquals("SYNACK", TcpStates.name(TcpStates.SYNACK));
    }
}
