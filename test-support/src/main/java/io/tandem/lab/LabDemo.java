package io.tandem.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The README's demo: builds the two-director lab, starts both daemons and a client polling the VIP
 * every 10 ms, then pulls the active director's cable and plugs it back, printing once a second
 * (and at every change) who answers the client and what each director says about itself.
 */
public final class LabDemo {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private LabDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/tandem-demo");
        try (DirectorLab lab = new DirectorLab(DirectorLab.findRepo(), work, DirectorLab.Timing.fast())) {
            Runtime.getRuntime().addShutdownHook(new Thread(lab::close));
            say("building the lab: client 198.51.100.100, directors d1 .1 and d2 .2, VIP " + DirectorLab.VIP
                    + " (keepalive 50ms, deadtime 250ms); logs in " + work);
            lab.build();
            lab.startDaemon("d1");
            lab.startDaemon("d2");
            waitFor("both daemons up", 30, () -> state(lab, "d1").equals("active") && state(lab, "d2").equals("standby"));
            PollerLog poller = lab.startPoller(10, 120);
            watch(lab, poller, 4);

            say(">>> pulling d1's cable (its bridge port goes down)");
            int mark = poller.size();
            lab.setLink("d1", false);
            waitFor("d2 answering", 10, () -> poller.answeredSince(mark, "d2"));
            say(">>> the client saw no answer for " + poller.gapMillisUntilFirst("d2", mark) + " ms; its neighbour entry for "
                    + DirectorLab.VIP + " now holds " + lab.clientNeighbourMac() + " (d2 is " + lab.mac("d2") + ")");
            watch(lab, poller, 4);

            say(">>> plugging d1 back in: both hold the VIP for a moment, then they agree on one");
            lab.setLink("d1", true);
            watch(lab, poller, 5);

            say(">>> tandemctl takeover on d2 (planned hand-over, no deadtime wait)");
            int mark2 = poller.size();
            Exec.Result r = lab.tandemctl("d2", "takeover");
            say("    " + (r.stdout() + r.stderr()).strip());
            waitFor("d2 answering", 10, () -> poller.answeredSince(mark2, "d2"));
            say(">>> the client saw no answer for " + poller.gapMillisUntilFirst("d2", mark2) + " ms");
            watch(lab, poller, 3);
            say(">>> tandemctl status on d2:");
            OUT.println(lab.tandemctl("d2", "status").stdout());
            say("done; removing the lab");
        }
    }

    private static void watch(DirectorLab lab, PollerLog poller, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        long lastPrint = 0;
        while (System.nanoTime() - end < 0) {
            String line = clientView(poller) + " | " + describe(lab, "d1") + " | " + describe(lab, "d2");
            if (!line.equals(last) || System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(1)) {
                say(line);
                last = line;
                lastPrint = System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static String clientView(PollerLog poller) {
        long age = poller.millisSinceLastReply();
        if (age < 0) {
            return "client: no answer yet";
        }
        return age < 200 ? "client answered by " + poller.lastName() : "client: NO ANSWER for " + (age / 100 * 100) + "+ ms";
    }

    private static String describe(DirectorLab lab, String d) {
        try {
            JsonNode s = lab.status(d);
            return d + " " + s.path("state").asText() + (lab.kernelHasVip(d) ? " (has VIP)" : "")
                    + ", peer " + (s.path("peer").path("alive").asBoolean() ? "alive" : "dead");
        } catch (Exception e) {
            return d + " unreachable";
        }
    }

    private static String state(DirectorLab lab, String d) {
        try {
            return lab.status(d).path("state").asText();
        } catch (Exception e) {
            return "";
        }
    }

    private static void waitFor(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static void say(String s) {
        OUT.printf("%tT.%<tL  %s%n", System.currentTimeMillis(), s);
    }

}
