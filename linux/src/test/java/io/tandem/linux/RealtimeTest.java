package io.tandem.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RealtimeTest {
    /** Field 41 of /proc/self/task/TID/stat is the scheduling policy (2 = SCHED_RR). */
    private static int policyOf(long tid) throws Exception {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[41 - 3]);
    }

    private static long gettid() throws Exception {
        // /proc/thread-self points at /proc/PID/task/TID.
        return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    }

    @Test
    void shouldMoveThreadsChosenByName() throws Exception {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        long[] tid = new long[1];
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                tid[0] = gettid();
                started.countDown();
                done.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "rr-by-name-test");
        t.start();
        started.await();
        java.util.List<String> moved = Realtime.enterRoundRobin(name -> name.equals("rr-by-name-test"), 5);
        assertEquals(java.util.List.of("rr-by-name-test"), moved);
        assertEquals(LibC.SCHED_RR, policyOf(tid[0]));
        done.countDown();
        t.join();
    }

    @Test
    void shouldPutOnlyTheCallingThreadIntoRoundRobin() throws Exception {
        long[] tids = new long[1];
        int[] policy = new int[1];
        Thread t = new Thread(() -> {
            try {
                Realtime.enterRoundRobin(10);
                tids[0] = gettid();
                policy[0] = policyOf(tids[0]);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        t.join();
        assertEquals(LibC.SCHED_RR, policy[0], "the thread that asked must be SCHED_RR");
        assertEquals(LibC.SCHED_OTHER, policyOf(gettid()), "other threads must stay SCHED_OTHER");
    }
}
