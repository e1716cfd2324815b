package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import io.tandem.lab.LabHttpServer;
import io.tandem.lab.PollerLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Established connections survive the active director's death and the fail-back, because the
 * standby holds a replica of the connection table (the sync stream, UDP 8848 on the first ucast
 * link). Each test runs, through the VIP:
 *
 * <pre>
 *   500 TCP connections, a line every 20 ms each, every echo checked (LabStreamClient)
 *   + a 200 MB download at 25 MB/s, checked by SHA-256
 *   move 1 (d1 -> d2): link cut, or tandemctl takeover
 *   100 more connections opened through d2 (known to d1 only by sync) + a second 200 MB download
 *   move 2 (d2 -> d1): link back with auto_failback on, or tandemctl standby
 *   every connection carries on: no reset, no wrong echo, no stall longer than the larger
 *   failover gap + 1 s; both downloads arrive intact
 * </pre>
 */
@Timeout(300)
class ConnectionSyncLabTest extends LabTestBase {
    private static final long BIG_BYTES = 200L * 1024 * 1024;
    private static final String GATEWAY_VIP = "198.51.100.140";

    @Override
    DirectorLab.Timing timing() {
        return new DirectorLab.Timing("50ms", "150ms", "250ms", "2s", true);
    }

    private void drPair() throws Exception {
        lab.addRealServer("r1", "198.51.100.21");
        lab.addRealServer("r2", "198.51.100.22");
        lab.writeHaresources("d1 IPaddr2::" + DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX + "/eth0 director");
        lab.writeDirectorCf(directorCf("198.51.100.21", "198.51.100.22", "gate"));
        startPair();
    }

    private static String directorCf(String r1, String r2, String method) {
        StringBuilder cf = new StringBuilder("checkinterval=2\nchecktimeout=2\n");
        for (int port : new int[] {LabHttpServer.ECHO_PORT, 80}) {
            cf.append("virtual=").append(DirectorLab.VIP).append(':').append(port).append('\n')
                    .append("\treal=").append(r1).append(':').append(port).append(' ').append(method).append('\n')
                    .append("\treal=").append(r2).append(':').append(port).append(' ').append(method).append('\n')
                    .append("\tscheduler=rr\n\tchecktype=connect\n");
        }
        return cf.toString();
    }

    @Test
    void directRoutingConnectionsShouldSurviveALinkCutAndTheFailBack() throws Exception {
        drPair();
        run(() -> lab.setLink("d1", false), () -> lab.setLink("d1", true));
    }

    @Test
    void natConnectionsShouldSurviveALinkCutAndTheFailBack() throws Exception {
        lab.close();
        lab = new DirectorLab(DirectorLab.findRepo(), lab.work(), timing()).withSecondLink().build();
        lab.addNatRealServer("r1", "198.51.100.150", GATEWAY_VIP);
        lab.addNatRealServer("r2", "198.51.100.151", GATEWAY_VIP);
        lab.writeHaresources("d1 IPaddr2::" + DirectorLab.VIP + "/" + DirectorLab.LAN_PREFIX + "/eth0 IPaddr2::"
                + GATEWAY_VIP + "/" + DirectorLab.LAN_PREFIX + "/eth1 director");
        lab.writeDirectorCf(directorCf("198.51.100.150", "198.51.100.151", "masq"));
        startPair();
        // Both of d1's links go: to the peer it is dead, as a crashed director is.
        run(() -> {
            lab.setLink("d1", false);
            lab.setSecondLink("d1", false);
        }, () -> {
            lab.setSecondLink("d1", true);
            lab.setLink("d1", true);
        });
    }

    @Test
    void connectionsShouldSurviveWithTheSyncLinkDroppingTenPercent() throws Exception {
        drPair();
        lab.dropSyncAtRandom("d1", 10);
        lab.dropSyncAtRandom("d2", 10);
        run(() -> lab.setLink("d1", false), () -> lab.setLink("d1", true));
        assertTrue(lab.syncDatagramsDropped("d1") + lab.syncDatagramsDropped("d2") > 0,
                "the loss rule dropped sync datagrams");
    }

    @Test
    void aPlannedTakeoverAndStandbyShouldLoseNothing() throws Exception {
        drPair();
        run(() -> ok(lab.tandemctl("d2", "takeover")), () -> ok(lab.tandemctl("d2", "standby")));
    }

    private static void ok(Exec.Result r) {
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    }

    private void run(Runnable moveToD2, Runnable moveBackToD1) throws Exception {
        PollerLog poller = lab.startPoller(10, 120);
        await().atMost(WAIT).until(() -> "d1".equals(poller.lastName()));
        Path streams1 = lab.work().resolve("streams-1.log");
        Process client1 = lab.startStreamClient(streams1, 500, 30, 20);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> DirectorLab.streamStarted(streams1));
        long started1 = System.nanoTime();
        Path big1 = lab.work().resolve("big-1.bin");
        Process download1 = startDownload(big1);
        // The standby has learnt every connection before anything moves.
        await().atMost(WAIT).until(() -> syncedConnections("d2") >= 500);

        int before1 = poller.size();
        long move1 = (System.nanoTime() - started1) / 1_000_000;
        moveToD2.run();
        await().atMost(WAIT).until(() -> poller.answeredSince(before1, "d2"));
        long gap1 = poller.gapMillisUntilFirst("d2", before1);

        Path streams2 = lab.work().resolve("streams-2.log");
        Process client2 = lab.startStreamClient(streams2, 100, 18, 20);
        await().atMost(WAIT).until(() -> DirectorLab.streamStarted(streams2));
        Path big2 = lab.work().resolve("big-2.bin");
        Process download2 = startDownload(big2);
        // Let the stream and the second download run through d2 for a while.
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);

        int before2 = poller.size();
        long move2 = (System.nanoTime() - started1) / 1_000_000;
        moveBackToD1.run();
        await().atMost(WAIT).until(() -> poller.answeredSince(before2, "d1"));
        long gap2 = poller.gapMillisUntilFirst("d1", before2);
        long allowedStallMs = Math.max(gap1, gap2) + 1_000;

        for (Process p : new Process[] {client1, client2}) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a stream client did not finish");
        }
        DirectorLab.StreamResult r1 = DirectorLab.streamResult(streams1);
        DirectorLab.StreamResult r2 = DirectorLab.streamResult(streams2);
        assertNotNull(r1, Files.readString(streams1));
        assertNotNull(r2, Files.readString(streams2));
        String gaps = "failover gaps " + gap1 + " ms and " + gap2 + " ms, moves at " + move1 + " ms and " + move2
                + " ms after the first clients started; ";
        assertEquals(0, r1.errors(), gaps + "connections opened through d1: " + r1);
        assertEquals(0, r2.errors(), gaps + "connections opened through d2: " + r2);
        assertEquals(500, r1.connections());
        assertEquals(100, r2.connections());
        assertTrue(r1.maxStallMillis() <= allowedStallMs, gaps + "longest stall " + r1);
        assertTrue(r2.maxStallMillis() <= allowedStallMs, gaps + "longest stall " + r2);
        checkDownload(download1, big1);
        checkDownload(download2, big2);
    }

    private Process startDownload(Path file) {
        return lab.startClientCurl(lab.work().resolve(file.getFileName() + ".log"), "-s", "-S", "--limit-rate", "25M",
                "--max-time", "90", "-o", file.toString(), "http://" + DirectorLab.VIP + "/big?bytes=" + BIG_BYTES);
    }

    private void checkDownload(Process curl, Path file) throws Exception {
        assertTrue(curl.waitFor(90, TimeUnit.SECONDS), "download " + file.getFileName() + " did not finish");
        assertEquals(0, curl.exitValue(), "download " + file.getFileName() + " failed: "
                + Files.readString(lab.work().resolve(file.getFileName() + ".log")));
        assertEquals(BIG_BYTES, Files.size(file));
        assertArrayEquals(LabHttpServer.bigBodySha256(BIG_BYTES), LabHttpServer.sha256(file),
                file.getFileName() + " arrived altered");
        Files.delete(file);
    }

    /** Connection entries d's table learnt by sync, as tandemctl conns --json lists them. */
    private int syncedConnections(String d) throws IOException {
        Exec.Result r = lab.tandemctl(d, "conns", "--json");
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        int n = 0;
        for (JsonNode c : root.path("directors").path(0).path("connections")) {
            if (c.path("synced").asBoolean() && !c.path("template").asBoolean()) {
                n++;
            }
        }
        return n;
    }
}
