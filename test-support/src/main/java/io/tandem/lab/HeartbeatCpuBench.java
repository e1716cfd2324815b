package io.tandem.lab;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU the daemon spends on heartbeats: the pair runs with a short keepalive, and after a warm-up
 * the user+system time of each tandemd (from /proc/PID/stat) is read at the start and end of the
 * measured window. Usage: {@code HeartbeatCpuBench [KEEPALIVE=20ms] [SECONDS=60]}.
 */
public final class HeartbeatCpuBench {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    /** USER_HZ: the clock ticks /proc reports CPU time in. 100 on every Linux this runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private HeartbeatCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        String keepalive = args.length > 0 ? args[0] : "20ms";
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
        long keepaliveMs = Long.parseLong(keepalive.replace("ms", ""));
        DirectorLab.Timing timing = new DirectorLab.Timing(keepalive, (keepaliveMs * 3) + "ms", (keepaliveMs * 5) + "ms", "2s", false);
        try (DirectorLab lab = new DirectorLab(DirectorLab.findRepo(), Path.of("/tmp/tandem-cpu"), timing)) {
            lab.build();
            lab.startDaemon("d1");
            lab.startDaemon("d2");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!activeNow(lab)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("pair did not settle");
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            TimeUnit.SECONDS.sleep(10); // warm-up: JIT, membership join
            long[] before = {cpuTicks(lab.daemonPid("d1")), cpuTicks(lab.daemonPid("d2"))};
            long sentBefore = lab.status("d1").path("heartbeat").path("sent").asLong();
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            double wall = (System.nanoTime() - t0) / 1e9;
            long[] after = {cpuTicks(lab.daemonPid("d1")), cpuTicks(lab.daemonPid("d2"))};
            long sent = lab.status("d1").path("heartbeat").path("sent").asLong() - sentBefore;
            for (int i = 0; i < 2; i++) {
                double cpuSeconds = (after[i] - before[i]) / (double) TICKS_PER_SECOND;
                OUT.printf("d%d: %.2f s CPU over %.1f s = %.2f %% of one core (keepalive %s, %s)%n", i + 1, cpuSeconds, wall,
                        100 * cpuSeconds / wall, keepalive, i == 0 ? "active" : "standby");
            }
            OUT.printf("d1 sent %d heartbeats in that window (%.0f/s)%n", sent, sent / wall);
        }
    }

    private static boolean activeNow(DirectorLab lab) {
        try {
            return lab.status("d1").path("state").asText().equals("active");
        } catch (java.io.IOException e) {
            return false; // not listening yet
        }
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        return Long.parseLong(f.get(11)) + Long.parseLong(f.get(12)); // utime, stime (fields 14, 15)
    }
}
