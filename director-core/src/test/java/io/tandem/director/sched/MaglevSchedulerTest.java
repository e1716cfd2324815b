package io.tandem.director.sched;

import static io.tandem.director.sched.FakeServers.client;
import static io.tandem.director.sched.Scheduler.NO_SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MaglevSchedulerTest {
    private static final int CLIENTS = 100_000;

    private static MaglevScheduler mh(FakeServers servers, int tableSize, boolean fallback) {
        return new MaglevScheduler(servers, tableSize, fallback, false);
    }

    private static int[] owners(MaglevScheduler s) {
        int[] out = new int[CLIENTS];
        for (int n = 0; n < CLIENTS; n++) {
            out[n] = s.pick(0, client(n), 0, 0, 0);
        }
        return out;
    }

    @Test
    void shouldKeepAClientOnItsServerAndAgreeAcrossInstances() {
        MaglevScheduler a = mh(new FakeServers(1, 1, 1, 1, 1), 65_537, false);
        MaglevScheduler b = mh(new FakeServers(1, 1, 1, 1, 1), 65_537, false);
        for (int n = 0; n < 10_000; n++) {
            int i = a.pick(0, client(n), 1000, 0, 0);
            assertEquals(i, a.pick(0, client(n), 2000, 0, 0), "without mh-port the port does not matter");
            assertEquals(i, b.pick(0, client(n), 1000, 0, 0), "another director computes the same");
        }
    }

    @Test
    void shouldFillTheTableInProportionToWeights() {
        MaglevScheduler s = mh(new FakeServers(3, 1, 2, 2), 65_537, false);
        int[] slots = new int[4];
        for (int slot = 0; slot < s.tableSize(); slot++) {
            slots[s.owner(slot)]++;
        }
        double unit = s.tableSize() / 8.0;
        assertEquals(3 * unit, slots[0], 2);
        assertEquals(1 * unit, slots[1], 2);
        assertEquals(2 * unit, slots[2], 2);
        assertEquals(2 * unit, slots[3], 2);
    }

    @Property(tries = 30)
    void shouldMoveAboutOneNthOfTheClientsWhenOneOfNServersLeaves(
            @ForAll @IntRange(min = 2, max = 40) int n, @ForAll @IntRange(min = 0, max = 39) int leaving) {
        int gone = leaving % n;
        int[] weights = new int[n];
        java.util.Arrays.fill(weights, 1);
        FakeServers servers = new FakeServers(weights);
        MaglevScheduler s = mh(servers, 65_537, false);
        int[] before = owners(s);
        servers.members[gone] = false;
        s.onServersChanged();
        int[] after = owners(s);
        int moved = 0;
        for (int c = 0; c < CLIENTS; c++) {
            if (before[c] != gone && after[c] != before[c]) {
                moved++;
            }
            assertTrue(after[c] != gone);
        }
        double movedOthers = (double) moved / CLIENTS;
        // Only the leaving server's clients must move; Maglev moves a few others (noise ~ N/M).
        assertTrue(movedOthers <= 0.02, "moved " + movedOthers + " of the other servers' clients, n=" + n);
        int hadGone = 0;
        for (int b : before) {
            hadGone += b == gone ? 1 : 0;
        }
        double share = (double) hadGone / CLIENTS;
        assertTrue(share <= 1.0 / n + 0.02, "the leaving server had " + share + " of the clients, n=" + n);
    }

    @Test
    void shouldMoveNoOtherClientWhenAServerIsQuiescedAndRestored() {
        FakeServers servers = new FakeServers(1, 1, 1, 1);
        MaglevScheduler s = mh(servers, 4093, true);
        int[] before = owners(s);
        servers.setWeight(2, 0);
        s.onServersChanged();
        int[] quiesced = owners(s);
        servers.setWeight(2, 1);
        s.onServersChanged();
        int[] restored = owners(s);
        for (int c = 0; c < CLIENTS; c++) {
            if (before[c] != 2) {
                assertEquals(before[c], quiesced[c], "client " + c + " of a healthy server stays");
            } else {
                assertTrue(quiesced[c] != 2 && quiesced[c] >= 0, "mh-fallback finds another server");
            }
            assertEquals(before[c], restored[c], "restoring the weight restores the table");
        }
    }

    @Test
    void shouldRefuseAClientOfAQuiescedServerWithoutFallback() {
        FakeServers servers = new FakeServers(1, 1);
        MaglevScheduler s = mh(servers, 251, false);
        int n = 0;
        while (s.pick(0, client(n), 0, 0, 0) != 0) {
            n++;
        }
        servers.setWeight(0, 0);
        s.onServersChanged();
        assertEquals(NO_SERVER, s.pick(0, client(n), 0, 0, 0));
        assertEquals(1, s.lookup(0, client(n), 0, true), "the mid-flow lookup always falls back");
    }

    @Test
    void shouldHashThePortOnlyWithMhPort() {
        MaglevScheduler s = new MaglevScheduler(new FakeServers(1, 1, 1), 4093, false, true);
        boolean moved = false;
        for (int port = 1000; port < 1100; port++) {
            moved |= s.pick(0, client(3), port, 0, 0) != s.pick(0, client(3), 1000, 0, 0);
        }
        assertTrue(moved);
    }

    @Test
    void shouldRejectATableSizeThatIsNotPrime() {
        assertThrows(IllegalArgumentException.class, () -> mh(new FakeServers(1), 65_536, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SchedulerSpec(SchedulerName.MH, false, false, 1000));
        assertEquals("maglevTableSize=1000 must be a prime in [251, 1048573]", e.getMessage());
    }
}
