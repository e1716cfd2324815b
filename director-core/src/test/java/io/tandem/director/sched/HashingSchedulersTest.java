package io.tandem.director.sched;

import static io.tandem.director.sched.FakeServers.client;
import static io.tandem.director.sched.Scheduler.NO_SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** sh and dh: IPVS's 256-bucket hash tables. */
class HashingSchedulersTest {
    private static final long VIP = FakeServers.ipv4(198, 51, 100, 10);

    private static Scheduler sh(FakeServers servers, boolean fallback, boolean port) {
        return Schedulers.create(new SchedulerSpec(SchedulerName.SH, fallback, port, 251), servers);
    }

    @Test
    void shShouldKeepAClientOnItsServer() {
        Scheduler s = sh(new FakeServers(1, 1, 1, 1), false, false);
        for (int n = 0; n < 500; n++) {
            int first = s.pick(0, client(n), 1000 + n, 0, VIP);
            assertEquals(first, s.pick(0, client(n), 40_000 - n, 0, VIP), "another source port, same server");
        }
    }

    @Test
    void shShouldSpreadClientsOverServers() {
        Scheduler s = sh(new FakeServers(1, 1, 1, 1), false, false);
        int[] count = new int[4];
        for (int n = 0; n < 4000; n++) {
            count[s.pick(0, client(n), 1000, 0, VIP)]++;
        }
        for (int c : count) {
            assertTrue(c > 700 && c < 1300, java.util.Arrays.toString(count));
        }
    }

    @Test
    void shShouldGiveEachServerAsManyBucketsAsItsWeight() {
        Scheduler s = sh(new FakeServers(3, 1), false, false);
        int[] count = new int[2];
        // every bucket, through keys that hash to each of them
        boolean[] bucketSeen = new boolean[256];
        for (int key = 0; key < 1 << 16; key++) {
            int b = SourceHashScheduler.bucket(key, 0);
            if (!bucketSeen[b]) {
                bucketSeen[b] = true;
                count[s.pick(0, 0x0000_FFFF_0000_0000L | (key & 0xFFFF_FFFFL), 0, 0, VIP)]++;
            }
        }
        assertEquals(192, count[0]);
        assertEquals(64, count[1]);
    }

    @Test
    void shShouldHashThePortOnlyWithShPort() {
        Scheduler s = sh(new FakeServers(1, 1, 1, 1), false, true);
        boolean moved = false;
        for (int port = 1000; port < 1100; port++) {
            moved |= s.pick(0, client(7), port, 0, VIP) != s.pick(0, client(7), 1000, 0, VIP);
        }
        assertTrue(moved);
    }

    @Test
    void shShouldRefuseAClientOfAQuiescedServerUnlessShFallback() {
        FakeServers servers = new FakeServers(1, 1, 1);
        Scheduler plain = sh(servers, false, false);
        Scheduler fallback = sh(servers, true, false);
        int n = 0;
        while (plain.pick(0, client(n), 0, 0, VIP) != 1) {
            n++;
        }
        // IPVS rebuilds the table from the new weights, and a weight-0 server still gets one
        // bucket per turn: with weights of 1 the table is unchanged and the client still hashes
        // to server 1.
        servers.setWeight(1, 0);
        plain.onServersChanged();
        fallback.onServersChanged();
        assertEquals(NO_SERVER, plain.pick(0, client(n), 0, 0, VIP));
        int other = fallback.pick(0, client(n), 0, 0, VIP);
        assertTrue(other == 0 || other == 2, "sh-fallback gave " + other);
    }

    @Test
    void shShouldHashIpv6Clients() {
        Scheduler s = sh(new FakeServers(1, 1, 1, 1), false, false);
        int[] count = new int[4];
        for (int n = 0; n < 4000; n++) {
            long high = 0x2001_0DB8_0000_0000L;
            long low = 0x1234_0000_0000_0000L + n * 0x1_0001L;
            int i = s.pick(high, low, 0, 0, VIP);
            assertEquals(i, s.pick(high, low, 0, 0, VIP));
            count[i]++;
        }
        for (int c : count) {
            assertTrue(c > 500, java.util.Arrays.toString(count));
        }
    }

    @Test
    void dhShouldKeepADestinationOnItsServerWhateverTheClient() {
        Scheduler dh = Schedulers.create(SchedulerSpec.of(SchedulerName.DH), new FakeServers(1, 1, 1));
        int[] count = new int[3];
        for (int d = 0; d < 3000; d++) {
            long destination = FakeServers.ipv4(203, 0, 113 + d / 256, d % 256);
            int i = dh.pick(0, client(d), 1000, 0, destination);
            assertEquals(i, dh.pick(0, client(d * 17 + 5), 2000, 0, destination));
            count[i]++;
        }
        for (int c : count) {
            assertTrue(c > 700, java.util.Arrays.toString(count));
        }
    }

    @Test
    void dhShouldRefuseADestinationWhoseServerIsQuiesced() {
        FakeServers servers = new FakeServers(1, 1);
        Scheduler dh = Schedulers.create(SchedulerSpec.of(SchedulerName.DH), servers);
        long destination = VIP;
        int owner = dh.pick(0, client(1), 0, 0, destination);
        servers.setWeight(owner, 0);
        dh.onServersChanged();
        assertEquals(NO_SERVER, dh.pick(0, client(1), 0, 0, destination));
        assertEquals(1 - owner, dh.pick(0, client(1), 0, 0, findOther(dh)));
    }

    private static long findOther(Scheduler dh) {
        for (int d = 0; d < 256; d++) {
            long destination = FakeServers.ipv4(203, 0, 113, d);
            if (dh.pick(0, 0, 0, 0, destination) != NO_SERVER) {
                return destination;
            }
        }
        throw new AssertionError("no destination maps to the remaining server");
    }
}
