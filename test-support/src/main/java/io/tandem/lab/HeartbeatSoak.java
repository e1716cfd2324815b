package io.tandem.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The soak behind issue "heartbeat that never lies": the pair runs for a while with random loss on
 * the heartbeat link (an nftables {@code numgen random} rule dropping a share of UDP 694 in both
 * directors), optionally with every CPU of the host busy (stress-ng), and any false failover —
 * any group transition or "peer dead" verdict after start-up — is counted and printed.
 * Usage: {@code HeartbeatSoak SECONDS LOSS_PERCENT [--two-links] [--stress] [--keepalive=50ms] [--deadtime=250ms]}.
 */
public final class HeartbeatSoak {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private HeartbeatSoak() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        int lossPercent = Integer.parseInt(args[1]);
        boolean twoLinks = List.of(args).contains("--two-links");
        boolean stress = List.of(args).contains("--stress");
        String keepalive = option(args, "--keepalive=", "50ms");
        String deadtime = option(args, "--deadtime=", "250ms");
        Path work = Path.of("/tmp/tandem-soak");
        DirectorLab.Timing timing = new DirectorLab.Timing(keepalive, deadtime.equals("250ms") ? "150ms" : keepalive, deadtime, "2s", false);
        Process stressor = null;
        try (DirectorLab lab = new DirectorLab(DirectorLab.findRepo(), work, timing)) {
            if (twoLinks) {
                lab.withSecondLink();
            }
            lab.build();
            lab.startDaemon("d1");
            lab.startDaemon("d2");
            waitFor(30, () -> state(lab, "d1").equals("active") && state(lab, "d2").equals("standby"));
            for (String d : List.of("d1", "d2")) {
                lab.dropHeartbeatsAtRandom(d, lossPercent, "eth0");
            }
            if (stress) {
                stressor = new ProcessBuilder("stress-ng", "--cpu", "0", "--timeout", seconds + "s", "--quiet")
                        .redirectErrorStream(true).redirectOutput(work.resolve("stress-ng.log").toFile()).start();
            }
            long deadBefore = count(lab.log("d1"), "-> dead") + count(lab.log("d2"), "-> dead");
            long t1 = lab.status("d1").path("transitions").asLong();
            long t2 = lab.status("d2").path("transitions").asLong();
            OUT.printf("soak: %d s, %d%% loss on the eth0 heartbeat link%s%s, keepalive %s, deadtime %s%n", seconds,
                    lossPercent, twoLinks ? " (eth1 clean)" : " (the only link)", stress ? ", all CPUs busy (stress-ng)" : "",
                    keepalive, deadtime);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() - end < 0) {
                TimeUnit.SECONDS.sleep(10);
                OUT.printf("  d1 %s, d2 %s, transitions since start d1=%d d2=%d%n", state(lab, "d1"), state(lab, "d2"),
                        lab.status("d1").path("transitions").asLong() - t1, lab.status("d2").path("transitions").asLong() - t2);
            }
            long false1 = lab.status("d1").path("transitions").asLong() - t1;
            long false2 = lab.status("d2").path("transitions").asLong() - t2;
            long deadVerdicts = count(lab.log("d1"), "-> dead") + count(lab.log("d2"), "-> dead") - deadBefore;
            long received = lab.status("d2").path("heartbeat").path("received").asLong();
            long probes = lab.status("d1").path("heartbeat").path("probes_sent").asLong()
                    + lab.status("d2").path("heartbeat").path("probes_sent").asLong();
            OUT.printf("result: %d group transitions (d1=%d d2=%d) and %d 'peer dead' verdicts during the window; d2 received %d "
                    + "heartbeats; %d suspicion probes sent%n", false1 + false2, false1, false2, deadVerdicts, received, probes);
        } finally {
            if (stressor != null) {
                stressor.destroy();
                stressor.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long count(Path log, String needle) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        return lines.stream().filter(l -> l.contains(needle)).count();
    }

    private static String option(String[] args, String prefix, String fallback) {
        for (String a : args) {
            if (a.startsWith(prefix)) {
                return a.substring(prefix.length());
            }
        }
        return fallback;
    }

    private static String state(DirectorLab lab, String d) {
        try {
            return lab.status(d).path("state").asText();
        } catch (IOException e) {
            return "unreachable";
        }
    }

    private static void waitFor(int seconds, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("lab did not settle within " + seconds + " s");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
