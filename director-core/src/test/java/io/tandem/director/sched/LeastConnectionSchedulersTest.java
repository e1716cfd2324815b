package io.tandem.director.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LeastConnectionSchedulersTest {
    private static int pick(SchedulerName name, FakeServers servers) {
        return Schedulers.create(SchedulerSpec.of(name), servers).pick(0, 0, 0, 0, 0);
    }

    private static FakeServers loaded(int[] weights, int[] active, int[] inactive) {
        FakeServers s = new FakeServers(weights);
        System.arraycopy(active, 0, s.active, 0, active.length);
        System.arraycopy(inactive, 0, s.inactive, 0, inactive.length);
        return s;
    }

    @Test
    void lcShouldPickTheLeastLoadedCountingAnActiveConnectionAs256Inactive() {
        // overheads: 2*256+0 = 512, 1*256+255 = 511, 0*256+600 = 600
        assertEquals(1, pick(SchedulerName.LC, loaded(new int[] {1, 1, 1}, new int[] {2, 1, 0}, new int[] {0, 255, 600})));
        // 1*256+256 = 512 is not less than 512: the earlier server keeps the tie
        assertEquals(0, pick(SchedulerName.LC, loaded(new int[] {1, 1}, new int[] {2, 1}, new int[] {0, 256})));
    }

    @Test
    void lcShouldIgnoreWeightsExceptZero() {
        assertEquals(1, pick(SchedulerName.LC, loaded(new int[] {100, 1}, new int[] {5, 4}, new int[] {0, 0})));
        assertEquals(0, pick(SchedulerName.LC, loaded(new int[] {100, 0}, new int[] {5, 0}, new int[] {0, 0})));
    }

    @Test
    void wlcShouldPickTheLeastOverheadPerWeight() {
        // overhead/weight: 512/2 = 256, 256/1 = 256 (tie, earlier wins), 768/4 = 192
        assertEquals(2, pick(SchedulerName.WLC, loaded(new int[] {2, 1, 4}, new int[] {2, 1, 3}, new int[] {0, 0, 0})));
        assertEquals(0, pick(SchedulerName.WLC, loaded(new int[] {2, 1}, new int[] {2, 1}, new int[] {0, 0})));
        // the heavier server takes proportionally more: 3 active on weight 3 beats 2 on weight 1
        assertEquals(0, pick(SchedulerName.WLC, loaded(new int[] {3, 1}, new int[] {3, 2}, new int[] {0, 0})));
    }

    @Test
    void wlcShouldSpreadConnectionsInProportionToWeight() {
        FakeServers servers = new FakeServers(3, 1);
        Scheduler wlc = Schedulers.create(SchedulerSpec.of(SchedulerName.WLC), servers);
        for (int n = 0; n < 400; n++) {
            servers.active[wlc.pick(0, 0, 0, 0, 0)]++;
        }
        assertEquals(300, servers.active[0], 1);
        assertEquals(100, servers.active[1], 1);
    }

    @Test
    void sedShouldPickTheShortestExpectedDelayIgnoringInactiveConnections() {
        // (active+1)/weight: 3/1 = 3, 5/2 = 2.5, 1/1 = 1 but weight 0
        assertEquals(1, pick(SchedulerName.SED, loaded(new int[] {1, 2, 0}, new int[] {2, 4, 0}, new int[] {0, 0, 0})));
        assertEquals(0, pick(SchedulerName.SED, loaded(new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 1000})));
    }

    @Test
    void sedShouldPreferTheHeavierIdleServer() {
        // (0+1)/1 = 1 against (0+1)/5 = 0.2
        assertEquals(1, pick(SchedulerName.SED, loaded(new int[] {1, 5}, new int[] {0, 0}, new int[] {0, 0})));
    }

    @Test
    void nqShouldPickTheFirstIdleServerWhateverTheWeights() {
        assertEquals(0, pick(SchedulerName.NQ, loaded(new int[] {1, 5}, new int[] {0, 0}, new int[] {0, 0})));
        assertEquals(2, pick(SchedulerName.NQ, loaded(new int[] {1, 5, 1}, new int[] {1, 1, 0}, new int[] {0, 0, 9})));
    }

    @Test
    void nqShouldBehaveAsSedWhenNoServerIsIdle() {
        assertEquals(1, pick(SchedulerName.NQ, loaded(new int[] {1, 2}, new int[] {2, 4}, new int[] {0, 0})));
    }
}
