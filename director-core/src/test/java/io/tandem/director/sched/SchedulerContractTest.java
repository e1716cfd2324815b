package io.tandem.director.sched;

import static io.tandem.director.sched.FakeServers.client;
import static io.tandem.director.sched.Scheduler.NO_SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every scheduler promises, whatever its algorithm. */
class SchedulerContractTest {
    private static final long VIP = FakeServers.ipv4(198, 51, 100, 10);

    private static Scheduler create(SchedulerName name, boolean fallback, ServerSet servers) {
        return Schedulers.create(new SchedulerSpec(name, fallback, false, 4093), servers);
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void shouldNeverPickAServerOfWeightZero(SchedulerName name) {
        FakeServers servers = new FakeServers(3, 0, 2, 0, 1);
        Scheduler s = create(name, true, servers);
        int picked = 0;
        for (int n = 0; n < 2000; n++) {
            int i = s.pick(0, client(n * 7919), 1024 + n, 0, VIP);
            if (i != NO_SERVER) {
                picked++;
                assertTrue(servers.weight(i) > 0, () -> name + " picked weight-0 server " + i);
                servers.active[i]++;
            }
        }
        assertTrue(picked > 0, name + " picked nothing");
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void shouldPickNoServerWhenAllWeightsAreZero(SchedulerName name) {
        FakeServers servers = new FakeServers(0, 0, 0);
        Scheduler s = create(name, true, servers);
        for (int n = 0; n < 100; n++) {
            assertEquals(NO_SERVER, s.pick(0, client(n), 1024 + n, 0, VIP), name.ipvsName());
        }
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void shouldPickNoServerWhenThereAreNoServers(SchedulerName name) {
        Scheduler s = create(name, true, new FakeServers());
        assertEquals(NO_SERVER, s.pick(0, client(1), 1024, 0, VIP));
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void shouldStopPickingAServerOnceQuiescedAndPickItAgainWhenRestored(SchedulerName name) {
        FakeServers servers = new FakeServers(1, 1, 1);
        Scheduler s = create(name, true, servers);
        servers.setWeight(1, 0);
        s.onServersChanged();
        boolean[] seen = new boolean[3];
        for (int n = 0; n < 3000; n++) {
            int i = s.pick(0, client(n * 31), 1024 + n, 0, FakeServers.ipv4(198, 51, 100, n));
            assertNotEquals(1, i, name.ipvsName());
            if (i >= 0) {
                seen[i] = true;
                servers.active[i]++;
            }
        }
        servers.setWeight(1, 1);
        s.onServersChanged();
        for (int n = 0; n < 3000 && !seen[1]; n++) {
            int i = s.pick(0, client(n * 31), 1024 + n, 0, FakeServers.ipv4(198, 51, 100, n));
            if (i >= 0) {
                seen[i] = true;
                servers.active[i]++;
            }
        }
        assertTrue(seen[1], name + " never picked the restored server");
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void shouldNeverPickAServerTakenOutOfTheService(SchedulerName name) {
        FakeServers servers = new FakeServers(1, 5, 1);
        servers.members[1] = false;
        Scheduler s = create(name, true, servers);
        for (int n = 0; n < 2000; n++) {
            int i = s.pick(0, client(n * 13), 1024 + n, 0, FakeServers.ipv4(198, 51, 100, n));
            assertNotEquals(1, i, name.ipvsName());
        }
    }

    @ParameterizedTest
    @EnumSource(SchedulerName.class)
    void shouldKnowItsIpvsName(SchedulerName name) {
        assertEquals(name, create(name, false, new FakeServers(1)).name());
        assertEquals(name, SchedulerName.parse(name.ipvsName().toUpperCase(java.util.Locale.ROOT)));
    }
}
