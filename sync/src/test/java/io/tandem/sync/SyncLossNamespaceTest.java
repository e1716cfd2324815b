package io.tandem.sync;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.linux.NetnsLab;
import io.tandem.sync.SyncCounters.Counter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two directors in two network namespaces joined by a veth pair; in each, nftables drops one
 * sync datagram in ten at random (both ways: DATA, ACK, NACK, STATUS, dump requests). Every
 * entry must still arrive, repaired by resends and dumps, which the counters show.
 */
@Timeout(180)
class SyncLossNamespaceTest {
    private static final String LOSS_RULES = """
            table inet tandem_sync_loss {
              chain out {
                type filter hook output priority 0; policy accept;
                udp dport 8848 numgen random mod 10 == 0 counter drop
              }
            }
            """;

    private NetnsLab lab;
    private String nsA;
    private String nsB;
    private SyncNode a;
    private SyncNode b;

    @BeforeEach
    void setUp() throws Exception {
        assertTrue(NetnsLab.isAvailable(), "needs root and iproute2 (scripts/prerequisites.sh)");
        assertTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "needs nft (scripts/prerequisites.sh)");
        lab = new NetnsLab();
        nsA = lab.createNamespace();
        nsB = lab.createNamespace();
        lab.addVethPair(nsA, "a0", nsB, "b0");
        NetnsLab.ipIn(nsA, "addr", "add", "198.51.100.1/24", "dev", "a0");
        NetnsLab.ipIn(nsB, "addr", "add", "198.51.100.2/24", "dev", "b0");
        nft(nsA);
        nft(nsB);
    }

    private static void nft(String ns) throws IOException, InterruptedException {
        Path rules = Files.createTempFile("tandem-sync-loss", ".nft");
        try {
            Files.writeString(rules, LOSS_RULES, StandardCharsets.US_ASCII);
            Process p = new ProcessBuilder(List.of("ip", "netns", "exec", ns, "nft", "-f", rules.toString()))
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "nft finished");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "nft -f in " + ns + ": " + out);
        } finally {
            Files.deleteIfExists(rules);
        }
    }

    private static long dropped(String ns) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("ip", "netns", "exec", ns, "nft", "list", "table", "inet",
                "tandem_sync_loss")).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    void shouldDeliverEveryEntryWhenOneDatagramInTenIsLost() throws Exception {
        InetSocketAddress onA = new InetSocketAddress(SyncNode.address("198.51.100.1"), SyncCodec.DEFAULT_PORT);
        InetSocketAddress onB = new InetSocketAddress(SyncNode.address("198.51.100.2"), SyncCodec.DEFAULT_PORT);
        a = lab.callIn(nsA, () -> new SyncNode("a", false, 65_536, SyncConfig.of(onA, onB, 5), Keys.ONE, null));
        b = lab.callIn(nsB, () -> new SyncNode("b", true, 65_536, SyncConfig.of(onB, onA, 9), Keys.ONE, null));
        a.start();
        b.start();
        assertTrue(b.sync.awaitSynchronised(30_000), "the dump request and the dump get through the loss");
        for (int burst = 0; burst < 40; burst++) {
            assertEquals(500, a.connect(burst * 500, 500));
        }
        Map<String, String> source = a.entries();
        assertEquals(20_000, source.size());
        await().atMost(Duration.ofSeconds(60)).until(() -> b.size() == 20_000);
        Map<String, String> copy = b.entries();
        for (Map.Entry<String, String> e : source.entrySet()) {
            assertEquals(e.getValue() + " synced", copy.get(e.getKey()), e.getKey());
        }
        assertTrue(a.sync.flush(30_000), "a flush is acknowledged through the loss");

        SyncCounters sent = a.sync.counters();
        SyncCounters received = b.sync.counters();
        assertTrue(dropped(nsA) > 0 && dropped(nsB) > 0, "nftables dropped datagrams both ways");
        assertTrue(received.get(Counter.GAPS) > 0, "b saw gaps: " + received);
        assertTrue(received.get(Counter.NACKS_SENT) > 0, "b asked again: " + received);
        assertTrue(sent.get(Counter.RESENDS) > 0, "a resent from its ring: " + sent);
        assertTrue(received.get(Counter.ENTRIES_APPLIED) >= 20_000, "every entry applied: " + received);
        assertEquals(0, received.get(Counter.ENTRIES_UNMAPPED));
    }
}
