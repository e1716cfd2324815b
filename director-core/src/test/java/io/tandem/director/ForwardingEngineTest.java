package io.tandem.director;

import static io.tandem.director.Lab.S;
import static io.tandem.director.Lab.T0;
import static io.tandem.director.Lab.TCP;
import static io.tandem.director.Lab.UDP;
import static io.tandem.director.Lab.VIP_LOW;
import static io.tandem.director.Lab.client;
import static io.tandem.director.Lab.engine;
import static io.tandem.director.Lab.tcp80;
import static io.tandem.director.conn.TcpStates.ACK;
import static io.tandem.director.conn.TcpStates.FIN;
import static io.tandem.director.conn.TcpStates.RST;
import static io.tandem.director.conn.TcpStates.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.director.conn.ConnectionTable;
import io.tandem.director.conn.TcpStates;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingEngineTest {
    private long now = T0;

    private int packet(ForwardingEngine e, long client, int port, int flags) {
        return e.onClientPacket(TCP, 0, client, port, 0, VIP_LOW, 80, flags, 60, now);
    }

    private static int serverIndex(ForwardingEngine e, int id) {
        return e.services().server(id).index();
    }

    @Test
    void shouldSendEveryPacketOfAConnectionWhereItsSynWasScheduled() {
        ForwardingEngine e = engine(tcp80(SchedulerName.RR, 1, 1));
        int first = packet(e, client(1), 40_000, SYN);
        int second = packet(e, client(2), 40_000, SYN);
        assertNotEquals(first, second, "rr alternates");
        for (int i = 0; i < 5; i++) {
            assertEquals(first, packet(e, client(1), 40_000, ACK));
            assertEquals(second, packet(e, client(2), 40_000, ACK));
        }
        int c = e.lastConnection();
        assertEquals(TcpStates.ESTABLISHED, e.connections().state(c));
        assertEquals(1, e.services().server(second).activeConnections());
        assertEquals(6, e.services().server(second).inPackets());
        assertEquals(360, e.services().server(second).inBytes());
        assertEquals(1, e.services().server(second).connections());
    }

    @Test
    void shouldLeavePacketsForNoVirtualServiceAlone() {
        ForwardingEngine e = engine(tcp80(SchedulerName.WLC, 1));
        assertEquals(Verdict.NOT_OURS, e.onClientPacket(TCP, 0, client(1), 1, 0, VIP_LOW, 443, SYN, 60, now));
        assertEquals(Verdict.NOT_OURS, e.onClientPacket(TCP, 0, client(1), 1, 0, VIP_LOW + 1, 80, SYN, 60, now));
        assertEquals(Verdict.NOT_OURS, e.onClientPacket(UDP, 0, client(1), 1, 0, VIP_LOW, 80, 0, 60, now));
        assertEquals(3, e.notOurs());
        assertEquals(0, e.connections().size());
    }

    @Test
    void shouldSendAMidFlowPacketWhereThePeerDirectorWouldSendIt() {
        ForwardingEngine a = engine(tcp80(SchedulerName.WLC, 1, 2, 1, 3));
        ForwardingEngine b = engine(tcp80(SchedulerName.WLC, 1, 2, 1, 3));
        for (int n = 0; n < 1000; n++) {
            int onA = packet(a, client(n), 1024 + n, ACK);
            assertTrue(onA >= 0);
            assertEquals(onA, packet(b, client(n), 1024 + n, ACK | FIN), "both directors agree on client " + n);
            assertEquals(TcpStates.ESTABLISHED, a.connections().state(a.lastConnection()));
        }
        assertEquals(1000, a.midFlowAdmissions());
        assertEquals(1000, a.services().server(0).activeConnections() + a.services().server(1).activeConnections()
                + a.services().server(2).activeConnections() + a.services().server(3).activeConnections());
    }

    @Test
    void shouldHoldMidFlowPacketsOfUnknownConnectionsWhileThePeersEntriesAreOnTheirWay() {
        ForwardingEngine e = engine(tcp80(SchedulerName.RR, 1, 1));
        int known = packet(e, client(1), 1000, SYN);
        e.holdMidFlow(now + 1_000_000_000L);
        assertEquals(Verdict.NO_SERVER, packet(e, client(2), 2000, ACK), "unknown mid-flow: dropped, not guessed");
        assertEquals(known, packet(e, client(1), 1000, ACK), "a known connection is forwarded as ever");
        assertTrue(packet(e, client(3), 3000, SYN) >= 0, "a new connection is scheduled as ever");
        assertEquals(1, e.midFlowHeldDrops());
        now += 1_000_000_000L;
        assertTrue(packet(e, client(2), 2000, ACK) >= 0, "the hold ends by itself");
        assertFalse(e.isMidFlowHeld());
        e.holdMidFlow(now + 1_000_000_000L);
        e.releaseMidFlowHold();
        assertTrue(packet(e, client(4), 4000, ACK) >= 0, "or when the sync stream has caught up");
    }

    @Test
    void shouldKeepAnMhConnectionOnItsServerWhenTheOtherDirectorTakesOver() {
        ForwardingEngine active = engine(tcp80(SchedulerName.MH, 1, 1, 1, 1, 1));
        ForwardingEngine passive = engine(tcp80(SchedulerName.MH, 1, 1, 1, 1, 1));
        for (int n = 0; n < 1000; n++) {
            int scheduled = packet(active, client(n), 1024 + n, SYN);
            assertEquals(scheduled, packet(passive, client(n), 1024 + n, ACK), "client " + n);
        }
    }

    @Test
    void shouldSteerMidFlowPacketsAwayFromAQuiescedServer() {
        ForwardingEngine e = engine(tcp80(SchedulerName.WLC, 1, 1, 1));
        e.services().service(0).setWeight(1, 0);
        for (int n = 0; n < 300; n++) {
            assertNotEquals(1, serverIndex(e, packet(e, client(n), 2000, ACK)));
        }
    }

    @Test
    void shouldKeepAPersistentClientNetworkOnOneServer() {
        VirtualService svc = tcp80(SchedulerName.RR, 1, 1, 1)
                .withPersistence(new Persistence(Duration.ofSeconds(300), 24));
        ForwardingEngine e = engine(svc);
        int first = packet(e, IpAddresses.ipv4Low(0xCB00_7105), 1000, SYN);
        for (int host = 6; host < 30; host++) {
            assertEquals(first, packet(e, IpAddresses.ipv4Low(0xCB00_7100 + host), 1000 + host, SYN));
        }
        int otherNetwork = packet(e, IpAddresses.ipv4Low(0xCB00_7205), 1000, SYN);
        assertNotEquals(first, otherNetwork, "rr gave the next network the next server");
        assertEquals(1, e.services().server(first).persistentConnections());
        assertEquals(25, e.services().server(first).inactiveConnections());
    }

    @Test
    void shouldKeepATemplateWhileItsConnectionLivesAndForgetItAfterwards() {
        VirtualService svc = tcp80(SchedulerName.RR, 1, 1).withPersistence(Persistence.of(Duration.ofSeconds(30)));
        ForwardingEngine e = engine(svc);
        int first = packet(e, client(1), 1000, SYN);
        packet(e, client(1), 1000, ACK);
        for (; now < T0 + 100 * S; now += S / 10) {
            if (now % (10 * S) == 0) {
                assertEquals(first, packet(e, client(1), 1000, ACK));
            }
            e.onTimer(now);
        }
        assertEquals(2, e.connections().size(), "the template outlives its 30 s while its connection lives");
        assertEquals(first, packet(e, client(1), 1001, SYN), "and still steers the client");
        packet(e, client(1), 1000, RST);
        packet(e, client(1), 1001, ACK);
        packet(e, client(1), 1001, RST | ACK);
        for (; now < T0 + 125 * S; now += S / 10) {
            e.onTimer(now);
        }
        assertEquals(1, e.connections().size(), "connections closed (10 s), the template waits its 30 s");
        for (; now < T0 + 135 * S; now += S / 10) {
            e.onTimer(now);
        }
        assertEquals(0, e.connections().size());
        assertEquals(0, e.services().server(first).persistentConnections());
        assertNotEquals(first, packet(e, client(1), 1002, SYN), "scheduled afresh: rr moved on");
    }

    @Test
    void shouldNotSendNewConnectionsToAQuiescedServerButKeepItsConnections() {
        ForwardingEngine e = engine(tcp80(SchedulerName.RR, 1, 1));
        int kept = packet(e, client(1), 1000, SYN);
        packet(e, client(1), 1000, ACK);
        e.services().service(0).onHealthChanged(e.services().server(kept).index(), false);
        assertEquals(0, e.services().server(kept).weight());
        assertTrue(e.services().server(kept).isMember(), "quiescent: weight 0, still a member");
        for (int n = 2; n < 20; n++) {
            assertNotEquals(kept, packet(e, client(n), 1000, SYN));
        }
        assertEquals(kept, packet(e, client(1), 1000, ACK), "its established connection goes on");
        assertEquals(1, e.services().server(kept).activeConnections());
    }

    @Test
    void shouldTakeAFailedServerOutOfANonQuiescentServiceAndBringItBack() {
        ForwardingEngine e = engine(tcp80(SchedulerName.WRR, 2, 1).withQuiescent(false));
        VirtualServiceState svc = e.services().service(0);
        svc.onHealthChanged(0, false);
        assertFalse(svc.realServer(0).isMember());
        assertEquals(2, svc.realServer(0).weight(), "its weight is kept for when it returns");
        for (int n = 0; n < 10; n++) {
            assertEquals(1, serverIndex(e, packet(e, client(n), 1000, SYN)));
        }
        svc.onHealthChanged(0, true);
        int[] count = new int[2];
        for (int n = 10; n < 40; n++) {
            count[serverIndex(e, packet(e, client(n), 1000, SYN))]++;
        }
        assertEquals(20, count[0]);
        assertEquals(10, count[1]);
    }

    @Test
    void shouldKeepAReloadedWeightOfAQuiescedServerForItsRecovery() {
        ForwardingEngine e = engine(tcp80(SchedulerName.WRR, 1, 1));
        VirtualServiceState svc = e.services().service(0);
        svc.onHealthChanged(0, false);
        svc.setConfiguredWeight(0, 3);
        assertEquals(0, svc.realServer(0).weight(), "still down: the reload does not bring it back");
        for (int n = 0; n < 5; n++) {
            assertEquals(1, serverIndex(e, packet(e, client(n), 1000, SYN)));
        }
        svc.onHealthChanged(0, true);
        assertEquals(3, svc.realServer(0).weight(), "recovered with the reloaded weight");
        svc.setConfiguredWeight(1, 0);
        for (int n = 5; n < 15; n++) {
            assertEquals(0, serverIndex(e, packet(e, client(n), 1000, SYN)), "weight 0 takes no new connection");
        }
        assertEquals(1, serverIndex(e, packet(e, client(0), 1000, ACK)), "its existing connection goes on");
    }

    @Test
    void shouldUseTheFallbackServerWhenNoServerTakesConnections() {
        RealServer sorry = RealServer.of(Lab.address("198.51.100.99"), 1);
        ForwardingEngine e = engine(tcp80(SchedulerName.WLC, 0, 0).withFallback(sorry));
        int id = packet(e, client(1), 1000, SYN);
        assertTrue(e.services().server(id).isFallback());
        assertEquals(e.services().service(0).fallback().id(), id);
        e.services().service(0).setWeight(1, 5);
        assertEquals(1, serverIndex(e, packet(e, client(2), 1000, SYN)), "back to the real servers");
    }

    @Test
    void shouldDropAndCountWhenNoServerTakesConnectionsAndThereIsNoFallback() {
        ForwardingEngine e = engine(tcp80(SchedulerName.WLC, 0, 0));
        assertEquals(Verdict.NO_SERVER, packet(e, client(1), 1000, SYN));
        assertEquals(Verdict.NO_SERVER, packet(e, client(1), 1000, ACK));
        assertEquals(2, e.droppedNoServer());
        assertEquals(0, e.connections().size());
    }

    @Test
    void shouldRescheduleANewSynOnAClientPortInTimeWait() {
        ForwardingEngine e = engine(tcp80(SchedulerName.RR, 1, 1));
        int first = packet(e, client(1), 1000, SYN);
        packet(e, client(1), 1000, ACK);
        packet(e, client(1), 1000, FIN | ACK);
        packet(e, client(1), 1000, RST);
        assertEquals(TcpStates.CLOSE, e.connections().state(e.lastConnection()));
        int again = packet(e, client(1), 1000, SYN);
        assertNotEquals(first, again, "rescheduled (rr moved on), not stuck to the old server");
        assertEquals(1, e.reusedConnections());
        assertEquals(1, e.connections().size());
    }

    @Test
    void shouldTrackNatRepliesAndGiveTheDataPathTheVirtualAddress() {
        VirtualService svc = tcp80(SchedulerName.WLC, 1).withForwarding(ForwardingMethod.NAT);
        ForwardingEngine e = engine(svc);
        int id = packet(e, client(1), 40_000, SYN);
        RealServerState server = e.services().server(id);
        int c = e.onReplyPacket(TCP, server.addressHigh(), server.addressLow(), 80, 0, client(1), 40_000,
                SYN | ACK, 60, now);
        assertEquals(e.lastConnection(), c);
        assertEquals(VIP_LOW, e.connections().virtualLow(c));
        assertEquals(80, e.connections().virtualPort(c));
        assertEquals(TcpStates.SYN_RECV, e.connections().state(c));
        assertEquals(id, packet(e, client(1), 40_000, ACK));
        assertEquals(TcpStates.ESTABLISHED, e.connections().state(c));
        assertEquals(1, server.outPackets());
        assertEquals(Verdict.NOT_OURS, e.onReplyPacket(TCP, server.addressHigh(), server.addressLow(), 80, 0,
                client(2), 40_000, ACK, 60, now));
    }

    @Test
    void shouldDropAndCountWhenTheConnectionTableIsFull() {
        ForwardingEngine e = engine(2, tcp80(SchedulerName.RR, 1));
        assertTrue(packet(e, client(1), 1, SYN) >= 0);
        assertTrue(packet(e, client(1), 2, SYN) >= 0);
        assertEquals(Verdict.TABLE_FULL, packet(e, client(1), 3, SYN));
        assertTrue(packet(e, client(1), 1, ACK) >= 0, "known connections still pass");
        assertEquals(1, e.droppedTableFull());
    }

    @Test
    void shouldExpireIdleConnectionsAndUncountThem() {
        ForwardingEngine e = engine(tcp80(SchedulerName.RR, 1));
        int id = packet(e, client(1), 1, SYN);
        packet(e, client(1), 1, ACK);
        assertEquals(1, e.services().server(id).activeConnections());
        int expired = 0;
        for (now = T0; now <= T0 + 901 * S; now += S) {
            expired += e.onTimer(now);
        }
        assertEquals(1, expired);
        assertEquals(0, e.services().server(id).activeConnections());
    }

    @Test
    void shouldKeepAUdpFlowOnOneServer() {
        VirtualService dns = VirtualService.of(Protocol.UDP, Lab.VIP, 53, SchedulerSpec.of(SchedulerName.RR),
                Lab.servers(1, 1));
        ForwardingEngine e = engine(dns);
        int first = e.onClientPacket(UDP, 0, client(1), 5353, 0, VIP_LOW, 53, 0, 80, now);
        assertEquals(first, e.onClientPacket(UDP, 0, client(1), 5353, 0, VIP_LOW, 53, 0, 80, now + S));
        assertNotEquals(first, e.onClientPacket(UDP, 0, client(2), 5353, 0, VIP_LOW, 53, 0, 80, now));
        assertEquals(1, e.services().server(first).inactiveConnections(), "UDP counts inactive, as in IPVS");
    }

    @Test
    void shouldFollowASyncedConnectionRatherThanRecompute() {
        ForwardingEngine e = engine(tcp80(SchedulerName.WLC, 1, 1, 1));
        int maglev = engine(tcp80(SchedulerName.WLC, 1, 1, 1)).onClientPacket(TCP, 0, client(9), 9, 0, VIP_LOW, 80,
                ACK, 60, now);
        int other = e.services().service(0).realServer((serverIndex(e, maglev) + 1) % 3).id();
        int entry = e.onSyncedConnection(TCP, false, 0, client(9), 9, 0, VIP_LOW, 80, other,
                TcpStates.ESTABLISHED, now);
        assertTrue(e.connections().isSynced(entry));
        assertEquals(other, packet(e, client(9), 9, ACK));
        assertEquals(0, e.midFlowAdmissions());
    }

    @Test
    void shouldLetAQuiescedServerKeepItsPersistentClientsOnlyIfAskedTo() {
        VirtualService svc = tcp80(SchedulerName.RR, 1, 1).withPersistence(Persistence.of(Duration.ofSeconds(300)));
        ForwardingEngine tandem = engine(svc);
        ForwardingEngine ipvs = engine(svc);
        ipvs.setExpireQuiescentTemplates(false);
        for (ForwardingEngine e : List.of(tandem, ipvs)) {
            int first = packet(e, client(1), 1000, SYN);
            e.services().service(0).setWeight(serverIndex(e, first), 0);
            int next = packet(e, client(1), 1001, SYN);
            if (e == tandem) {
                assertNotEquals(first, next, "weight 0 takes no new connections, persistent or not");
            } else {
                assertEquals(first, next, "IPVS's default: the template wins");
            }
        }
    }

    @Test
    void shouldForwardIpv6ClientsOfAnIpv6Service() {
        VirtualService v6 = VirtualService.of(Protocol.TCP, Lab.address("2001:db8::10"), 443,
                SchedulerSpec.of(SchedulerName.SH), List.of(RealServer.of(Lab.address("2001:db8::21"), 1),
                        RealServer.of(Lab.address("2001:db8::22"), 1)));
        ForwardingEngine e = engine(v6);
        long vipHigh = Lab.high("2001:db8::10");
        long vipLow = Lab.low("2001:db8::10");
        long clientHigh = Lab.high("2001:db8:ffff::1");
        int id = e.onClientPacket(TCP, clientHigh, 1, 50_000, vipHigh, vipLow, 443, SYN, 80, now);
        assertTrue(id >= 0);
        assertEquals(id, e.onClientPacket(TCP, clientHigh, 1, 50_000, vipHigh, vipLow, 443, ACK, 80, now));
        assertEquals(id, e.onClientPacket(TCP, clientHigh, 1, 50_001, vipHigh, vipLow, 443, SYN, 80, now),
                "sh: same client, same server");
        assertEquals(ConnectionTable.NONE, e.connections().find(TCP, 0, 1, 50_000, vipHigh, vipLow, 443));
    }
}
