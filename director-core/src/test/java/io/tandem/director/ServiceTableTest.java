package io.tandem.director;

import static io.tandem.director.Lab.T0;
import static io.tandem.director.Lab.TCP;
import static io.tandem.director.Lab.VIP;
import static io.tandem.director.Lab.VIP_LOW;
import static io.tandem.director.Lab.client;
import static io.tandem.director.conn.TcpStates.ACK;
import static io.tandem.director.conn.TcpStates.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reload appends services: what the connection table points at must not move. */
class ServiceTableTest {
    private static VirtualService tcp(int port, int... weights) {
        return VirtualService.of(Protocol.TCP, VIP, port, SchedulerSpec.of(SchedulerName.RR), Lab.servers(weights));
    }

    @Test
    void shouldAppendServicesWithoutRenumberingTheExistingOnes() {
        ForwardingEngine e = Lab.engine(tcp(80, 1, 1));
        ServiceTable table = e.services();
        RealServerState first = table.server(1);
        int id = e.onClientPacket(TCP, 0, client(1), 1000, 0, VIP_LOW, 80, SYN, 60, T0);
        assertEquals(1, first.activeConnections() + first.inactiveConnections() + table.server(0).inactiveConnections()
                + table.server(0).activeConnections());

        table.append(List.of(tcp(8080, 1, 1, 1)));

        assertEquals(2, table.serviceCount());
        assertEquals(5, table.serverCount());
        assertSame(first, table.server(1), "existing servers keep their id and state");
        assertEquals(id, e.onClientPacket(TCP, 0, client(1), 1000, 0, VIP_LOW, 80, ACK, 60, T0),
                "an existing connection keeps its server");
        int onNew = e.onClientPacket(TCP, 0, client(2), 2000, 0, VIP_LOW, 8080, SYN, 60, T0);
        assertTrue(onNew >= 2 && onNew <= 4, "the new service schedules over its own servers: " + onNew);
        assertNotNull(table.find(TCP, 0, VIP_LOW, 8080));
    }

    @Test
    void shouldRefuseAServiceConfiguredTwiceAndAddNothing() {
        ServiceTable table = new ServiceTable(List.of(tcp(80, 1)));
        assertThrows(IllegalArgumentException.class, () -> table.append(List.of(tcp(8080, 1), tcp(80, 1))));
        assertEquals(1, table.serviceCount());
        assertEquals(1, table.serverCount());
    }
}
