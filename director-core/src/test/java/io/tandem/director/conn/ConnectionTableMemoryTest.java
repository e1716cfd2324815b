package io.tandem.director.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Test;

/** The budget: under 200 bytes an entry with a million connections. */
class ConnectionTableMemoryTest {
    private static final int ENTRIES = 1_000_000;
    private static final int TCP = 6;

    @Test
    void shouldHoldAMillionConnectionsInUnder200BytesEach() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);

        ConnectionTable table = new ConnectionTable(ENTRIES, ConnectionTimeouts.IPVS_DEFAULTS,
                new RecordingListener(), 0L, 7);
        for (int i = 0; i < ENTRIES; i++) {
            long client = 0x0000_FFFF_0000_0000L | (0x0A00_0000L + i / 50_000);
            int port = 1024 + i % 50_000;
            table.insertConnection(TCP, 0, client, port, 0, 0x0000_FFFF_C633_640AL, 443, i & 15,
                    TcpStates.ESTABLISHED, ConnectionTable.NO_OUTPUT, ConnectionTable.NONE, 0L);
        }
        assertEquals(ENTRIES, table.size());
        assertEquals(ENTRIES - 1, table.find(TCP, 0, 0x0000_FFFF_0000_0000L | (0x0A00_0000L + 19), 1024 + 49_999,
                0, 0x0000_FFFF_C633_640AL, 443));

        long after = usedAfterGc(memory);
        double computed = (double) table.footprintBytes() / ENTRIES;
        double measured = (double) (after - before) / ENTRIES;
        System.out.printf("connection table, %d entries: %.1f bytes/entry from array sizes, "
                + "%.1f bytes/entry measured (heap used after GC, MemoryMXBean)%n", ENTRIES, computed, measured);
        assertTrue(computed < 200, "computed " + computed);
        assertTrue(measured < 200, "measured " + measured);
        assertTrue(table.size() > 0, "keep the table reachable until measured");
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
