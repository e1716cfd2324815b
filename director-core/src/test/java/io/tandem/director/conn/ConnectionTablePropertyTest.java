package io.tandem.director.conn;

import static io.tandem.director.conn.ConnectionTable.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The table against a HashMap model, over random inserts, packets, removals and time, with a
 * tiny key space and capacity so that probe runs collide, wrap and shift back all the time.
 */
class ConnectionTablePropertyTest {
    private static final long S = 1_000_000_000L;
    private static final int CAPACITY = 24;

    record Op(int kind, int client, int port, int server, long advanceNs) {
    }

    record Entry(int server, long deadline) {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(0, 3),
                Arbitraries.longs().between(0, 20 * S)).as(Op::new);
        return op.list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void shouldBehaveAsAMapWithDeadlines(@ForAll("operations") List<Op> ops, @ForAll long seed) {
        long now = 7 * S;
        RecordingListener counts = new RecordingListener();
        ConnectionTable table = new ConnectionTable(CAPACITY, ConnectionTimeouts.IPVS_DEFAULTS, counts, now, seed);
        Map<Long, Entry> model = new HashMap<>();
        long udpNs = ConnectionTimeouts.IPVS_DEFAULTS.udpNs();
        for (Op op : ops) {
            long client = 0x0000_FFFF_C633_6400L + op.client();
            long key = op.client() * 100L + op.port();
            int found = table.find(17, 0, client, op.port(), 0, 1, 53);
            Entry expected = model.get(key);
            assertEquals(expected != null, found != NONE, "presence of " + key);
            if (expected != null) {
                assertEquals(expected.server(), table.serverId(found));
            }
            switch (op.kind()) {
                case 0 -> {
                    if (found == NONE) {
                        int e = table.insertConnection(17, 0, client, op.port(), 0, 1, 53, op.server(),
                                TcpStates.UDP_NORMAL, ConnectionTable.INDEX_REPLIES, NONE, now);
                        if (model.size() < CAPACITY) {
                            assertTrue(e != NONE);
                            model.put(key, new Entry(op.server(), now + udpNs));
                        } else {
                            assertEquals(NONE, e);
                        }
                    }
                }
                case 1 -> {
                    if (found != NONE) {
                        table.onPacket(found, TcpStates.INPUT, 0, now);
                        model.put(key, new Entry(expected.server(), now + udpNs));
                        assertEquals(found, table.findReply(17, 0, client, op.port(), expected.server()));
                    }
                }
                case 2 -> {
                    if (found != NONE) {
                        table.remove(found);
                        model.remove(key);
                    }
                }
                default -> {
                    now += op.advanceNs() * 30;
                    table.advance(now);
                    long t = now;
                    // due entries are gone; entries due within the wheel's slack may linger
                    model.values().removeIf(en -> en.deadline() - t <= -(1L << 27));
                    for (Map.Entry<Long, Entry> me : Map.copyOf(model).entrySet()) {
                        long k = me.getKey();
                        int e = table.find(17, 0, 0x0000_FFFF_C633_6400L + k / 100, (int) (k % 100), 0, 1, 53);
                        if (e == NONE) {
                            assertTrue(me.getValue().deadline() - t <= 0, "expired early: " + k);
                            model.remove(k);
                        }
                    }
                }
            }
            assertEquals(model.size(), table.size());
        }
        int inactive = 0;
        for (int c : counts.inactive) {
            inactive += c;
        }
        assertEquals(table.size(), inactive, "every UDP connection is counted inactive exactly once");
    }
}
