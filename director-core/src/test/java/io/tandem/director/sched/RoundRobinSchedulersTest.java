package io.tandem.director.sched;

import static io.tandem.director.sched.Scheduler.NO_SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RoundRobinSchedulersTest {
    private static int[] picks(Scheduler s, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.pick(0, 0, 0, 0, 0);
        }
        return out;
    }

    @Test
    void rrShouldAlternateBetweenTwoServers() {
        Scheduler rr = Schedulers.create(SchedulerSpec.of(SchedulerName.RR), new FakeServers(1, 1));
        assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1}, picks(rr, 6));
    }

    @Test
    void rrShouldIgnoreWeightsAboveZeroAndSkipWeightZero() {
        FakeServers servers = new FakeServers(5, 0, 1);
        Scheduler rr = Schedulers.create(SchedulerSpec.of(SchedulerName.RR), servers);
        assertArrayEquals(new int[] {0, 2, 0, 2}, picks(rr, 4));
    }

    @Test
    void rrShouldContinueAfterTheLastPickWhenAServerComesBack() {
        FakeServers servers = new FakeServers(1, 0, 1);
        Scheduler rr = Schedulers.create(SchedulerSpec.of(SchedulerName.RR), servers);
        assertEquals(0, rr.pick(0, 0, 0, 0, 0));
        servers.setWeight(1, 1);
        rr.onServersChanged();
        assertArrayEquals(new int[] {1, 2, 0}, picks(rr, 3));
    }

    @Test
    void wrrShouldGiveExactlyThreeToOneOver400Picks() {
        Scheduler wrr = Schedulers.create(SchedulerSpec.of(SchedulerName.WRR), new FakeServers(3, 1));
        int[] count = new int[2];
        for (int p : picks(wrr, 400)) {
            count[p]++;
        }
        assertArrayEquals(new int[] {300, 100}, count);
    }

    @Test
    void wrrShouldInterleaveLikeIpvs() {
        Scheduler wrr = Schedulers.create(SchedulerSpec.of(SchedulerName.WRR), new FakeServers(3, 1));
        assertArrayEquals(new int[] {0, 0, 0, 1, 0, 0, 0, 1}, picks(wrr, 8));

        Scheduler three = Schedulers.create(SchedulerSpec.of(SchedulerName.WRR), new FakeServers(4, 3, 2));
        // cw = 4: A; cw = 3: A B; cw = 2: A B C; cw = 1: A B C
        assertArrayEquals(new int[] {0, 0, 1, 0, 1, 2, 0, 1, 2, 0}, picks(three, 10));
    }

    @Test
    void wrrShouldStepByTheGcdOfTheWeights() {
        Scheduler wrr = Schedulers.create(SchedulerSpec.of(SchedulerName.WRR), new FakeServers(400, 200));
        assertArrayEquals(new int[] {0, 0, 1, 0, 0, 1}, picks(wrr, 6));
    }

    @Test
    void wrrShouldFollowAWeightChange() {
        FakeServers servers = new FakeServers(3, 1);
        Scheduler wrr = Schedulers.create(SchedulerSpec.of(SchedulerName.WRR), servers);
        picks(wrr, 5);
        servers.setWeight(0, 1);
        servers.setWeight(1, 2);
        wrr.onServersChanged();
        int[] count = new int[2];
        for (int p : picks(wrr, 300)) {
            count[p]++;
        }
        assertEquals(100, count[0], 1);
        assertEquals(200, count[1], 1);
    }

    @Test
    void wrrShouldPickNothingWhenAllWeightsBecomeZero() {
        FakeServers servers = new FakeServers(2, 1);
        Scheduler wrr = Schedulers.create(SchedulerSpec.of(SchedulerName.WRR), servers);
        servers.setWeight(0, 0);
        servers.setWeight(1, 0);
        wrr.onServersChanged();
        assertEquals(NO_SERVER, wrr.pick(0, 0, 0, 0, 0));
    }
}
