package io.tandem.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Scripted lab run behind BENCHMARKS.md's failover figures: repeats each way a VIP can move and
 * records the gap the client saw (polling every 10 ms), then prints min / median / max per way.
 * Usage: {@code FailoverBench [ROUNDS] [WORKDIR]} (scripts/bench-failover).
 */
public final class FailoverBench {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private FailoverBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path work = Path.of(args.length > 1 ? args[1] : "/tmp/tandem-bench-failover");
        Map<String, List<Long>> gaps = new LinkedHashMap<>();
        try (DirectorLab lab = new DirectorLab(DirectorLab.findRepo(), work, DirectorLab.Timing.fast())) {
            lab.build();
            lab.startDaemon("d1");
            lab.startDaemon("d2");
            waitFor(30, () -> state(lab, "d1").equals("active") && state(lab, "d2").equals("standby"));
            PollerLog poller = lab.startPoller(10, 3600);
            waitFor(10, () -> "d1".equals(poller.lastName()));
            for (int r = 1; r <= rounds; r++) {
                record(gaps, "tandemctl takeover (d1 -> d2)", move(poller, "d2", () -> lab.tandemctl("d2", "takeover")));
                record(gaps, "tandemctl standby (d2 -> d1)", move(poller, "d1", () -> lab.tandemctl("d2", "standby")));
                record(gaps, "cable pulled (d1 -> d2, deadtime 250ms)", move(poller, "d2", () -> lab.setLink("d1", false)));
                lab.setLink("d1", true);
                // Split brain heals in d1's favour (preferred node): the client is back on d1.
                waitFor(10, () -> state(lab, "d2").equals("standby") && "d1".equals(poller.lastName())
                        && poller.millisSinceLastReply() < 50);
                record(gaps, "SIGTERM of active d1 (d1 -> d2)", move(poller, "d2", () -> lab.stopDaemon("d1")));
                lab.startDaemon("d1");
                waitFor(30, () -> state(lab, "d1").equals("standby"));
                record(gaps, "tandemctl takeover back (d2 -> d1)", move(poller, "d1", () -> lab.tandemctl("d1", "takeover")));
                OUT.println("round " + r + " of " + rounds + " done");
            }
        }
        OUT.println();
        OUT.printf("%-42s %6s %6s %6s %6s%n", "client-visible gap (ms), " + rounds + " rounds", "min", "median", "p90", "max");
        gaps.forEach((way, values) -> {
            List<Long> v = new ArrayList<>(values);
            Collections.sort(v);
            OUT.printf("%-42s %6d %6d %6d %6d%n", way, v.get(0), v.get(v.size() / 2), v.get((int) Math.ceil(v.size() * 0.9) - 1),
                    v.get(v.size() - 1));
        });
    }

    private interface Action {
        void run() throws Exception;
    }

    private static long move(PollerLog poller, String to, Action action) throws Exception {
        int mark = poller.size();
        action.run();
        waitFor(10, () -> poller.answeredSince(mark, to));
        long gap = poller.gapMillisUntilFirst(to, mark);
        // Let the ARP refreshes and the peer settle before the next move.
        TimeUnit.MILLISECONDS.sleep(1500);
        return gap;
    }

    private static void record(Map<String, List<Long>> gaps, String way, long gapMillis) {
        gaps.computeIfAbsent(way, k -> new ArrayList<>()).add(gapMillis);
        OUT.println(way + ": " + gapMillis + " ms");
    }

    private static String state(DirectorLab lab, String d) {
        try {
            return lab.status(d).path("state").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static void waitFor(int seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("lab did not settle within " + seconds + " s");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
