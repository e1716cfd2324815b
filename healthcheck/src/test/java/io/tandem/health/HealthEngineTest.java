package io.tandem.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HealthEngineTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * S);
    private final ManualProbes probes = new ManualProbes();
    private final List<String> events = new ArrayList<>();
    private final HealthEngine engine = new HealthEngine(
            (server, up, reason) -> events.add(server.realName() + (up ? " up: " : " down: ") + reason),
            clock::get, probes, () -> { });

    static CheckedServer server(int lastOctet, CheckDefinition check) {
        try {
            return CheckedServer.tcp(new InetSocketAddress(InetAddress.getByName("198.51.100.10"), 80),
                    new InetSocketAddress(InetAddress.getByName("198.51.100." + lastOctet), 80), check);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static CheckDefinition.Builder every(long intervalMillis) {
        return CheckDefinition.builder(CheckType.CONNECT, Service.HTTP).interval(Duration.ofMillis(intervalMillis))
                .timeout(Duration.ofMillis(intervalMillis * 9 / 10));
    }

    private void advance(long nanos) {
        clock.addAndGet(nanos);
        engine.doWork();
    }

    private ServerStatus status(CheckedServer s) {
        return engine.snapshot().stream().filter(st -> st.server().equals(s)).findFirst().orElseThrow();
    }

    @Test
    void shouldStartDownAndComeUpOnTheFirstSuccessByDefault() {
        CheckedServer a = server(21, every(1000).build());
        engine.update(List.of(a));
        engine.doWork();
        assertFalse(status(a).up());
        assertNull(status(a).lastOk());
        assertEquals("not checked yet", status(a).lastReason());
        probes.last(a).ok();
        engine.doWork();
        assertTrue(status(a).up());
        assertEquals(List.of("198.51.100.21:80 up: fine"), events);
    }

    @Test
    void shouldGoDownAfterFailurecountFailuresInARow() {
        CheckedServer a = server(21, every(1000).fall(3).build());
        engine.update(List.of(a));
        engine.doWork();
        probes.last(a).ok();
        for (int i = 0; i < 2; i++) {
            advance(1000 * MS);
            probes.last(a).fail();
            engine.doWork();
            assertTrue(status(a).up(), "still up after " + (i + 1) + " failures");
        }
        advance(1000 * MS);
        probes.last(a).ok();
        engine.doWork();
        assertEquals(0, status(a).consecutiveFail(), "a success resets the count");
        for (int i = 0; i < 3; i++) {
            advance(1000 * MS);
            probes.last(a).fail();
            engine.doWork();
        }
        assertFalse(status(a).up());
        assertEquals(3, status(a).consecutiveFail());
        assertEquals(List.of("198.51.100.21:80 up: fine", "198.51.100.21:80 down: broken"), events);
    }

    @Test
    void shouldNeedRiseSuccessesInARowToComeUp() {
        CheckedServer a = server(21, every(1000).rise(3).build());
        engine.update(List.of(a));
        engine.doWork();
        probes.last(a).ok();
        advance(1000 * MS);
        probes.last(a).ok();
        advance(1000 * MS);
        probes.last(a).fail();
        advance(1000 * MS);
        probes.last(a).ok();
        advance(1000 * MS);
        probes.last(a).ok();
        engine.doWork();
        assertFalse(status(a).up(), "two in a row are not three");
        advance(1000 * MS);
        probes.last(a).ok();
        engine.doWork();
        assertTrue(status(a).up());
        assertEquals(1, events.size());
    }

    @Test
    void shouldCheckAtAFixedRateWhateverTheCheckTakes() {
        CheckedServer a = server(21, every(1000).build());
        engine.update(List.of(a));
        engine.doWork();
        advance(300 * MS);
        probes.last(a).ok();
        advance(699 * MS);
        assertEquals(1, probes.of(a).size(), "not due before the interval");
        advance(1 * MS);
        assertEquals(2, probes.of(a).size(), "due one interval after the previous start");
        probes.last(a).ok();
        advance(1000 * MS);
        assertEquals(3, probes.of(a).size());
    }

    @Test
    void shouldNotStartASecondCheckWhileOneIsRunning() {
        CheckedServer a = server(21, every(1000).connectTimeout(Duration.ofSeconds(5)).build());
        engine.update(List.of(a));
        engine.doWork();
        advance(3000 * MS);
        assertEquals(1, probes.of(a).size());
        probes.last(a).ok();
        engine.doWork();
        assertEquals(2, probes.of(a).size(), "the overdue check starts as soon as the last one ends");
    }

    @Test
    void shouldFailAndCancelACheckAtItsDeadlineWhileOthersRunOnTime() {
        CheckedServer hung = server(21, every(1000).connectTimeout(Duration.ofMillis(3000)).build());
        CheckedServer fine = server(22, every(1000).build());
        engine.update(List.of(hung, fine));
        engine.doWork();
        probes.last(hung).ok();
        engine.doWork();
        advance(1000 * MS);
        ManualProbes.Started stuck = probes.last(hung);
        for (int i = 0; i < 3; i++) {
            probes.last(fine).ok();
            advance(1000 * MS);
        }
        assertEquals(4, probes.of(fine).size(), "the other server was checked every second");
        assertTrue(stuck.cancelled, "the hung check was cancelled at its deadline");
        ServerStatus st = status(hung);
        assertFalse(st.up());
        assertEquals("connect 198.51.100.21:80: no answer within 3000 ms", st.lastReason());
        assertEquals(3000 * MS, st.lastLatencyNanos());
        stuck.ok();
        engine.doWork();
        assertFalse(status(hung).up(), "a late answer of a cancelled check is ignored");
    }

    @Test
    void shouldUseTheNegotiateTimeoutForNegotiateChecks() {
        CheckedServer a = server(21, CheckDefinition.builder(CheckType.NEGOTIATE, Service.HTTP)
                .connectTimeout(Duration.ofSeconds(2)).negotiateTimeout(Duration.ofSeconds(7)).build());
        engine.update(List.of(a));
        engine.doWork();
        assertEquals(7 * S, probes.last(a).timeoutNanos);
        assertEquals(CheckType.NEGOTIATE, probes.last(a).kind);
    }

    @Test
    void shouldNegotiateOnEveryNthCheckAndConnectOtherwise() {
        CheckedServer a = server(21, CheckDefinition.builder(CheckType.NEGOTIATE_EVERY_NTH, Service.HTTP)
                .negotiateEvery(3).interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500)).build());
        engine.update(List.of(a));
        engine.doWork();
        List<CheckType> kinds = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ManualProbes.Started s = probes.last(a);
            kinds.add(s.kind);
            s.ok();
            advance(1000 * MS);
        }
        assertEquals(List.of(CheckType.CONNECT, CheckType.CONNECT, CheckType.NEGOTIATE, CheckType.CONNECT,
                CheckType.CONNECT, CheckType.NEGOTIATE, CheckType.CONNECT), kinds);
    }

    @Test
    void shouldKeepTheStateOfUnchangedServersOnUpdate() {
        CheckedServer a = server(21, every(1000).build());
        CheckedServer b = server(22, every(1000).build());
        engine.update(List.of(a, b));
        engine.doWork();
        advance(500 * MS);
        probes.last(a).ok();
        probes.last(b).ok();
        engine.doWork();
        CheckedServer c = server(23, every(1000).build());
        CheckedServer bChanged = server(22, every(2000).build());
        engine.update(List.of(a, c, bChanged));
        engine.doWork();
        List<ServerStatus> all = engine.snapshot();
        assertEquals(3, all.size());
        assertTrue(status(a).up(), "unchanged server keeps its state");
        assertEquals(1, status(a).checks());
        assertFalse(status(bChanged).up(), "a server whose check changed starts again, down");
        assertFalse(status(c).up());
        assertEquals(1, probes.of(c).size(), "the new server is checked at once");
        advance(500 * MS);
        assertEquals(2, probes.of(a).size(), "the kept server stays on its schedule");
    }

    @Test
    void shouldCancelTheRunningCheckOfARemovedServer() {
        CheckedServer a = server(21, every(1000).build());
        engine.update(List.of(a));
        engine.doWork();
        ManualProbes.Started running = probes.last(a);
        engine.update(List.of());
        engine.doWork();
        assertTrue(running.cancelled);
        running.ok();
        engine.doWork();
        assertTrue(engine.snapshot().isEmpty());
        assertTrue(events.isEmpty(), "removal is not an up/down change");
    }

    @Test
    void shouldSpreadTheFirstChecksOfServersAddedTogether() {
        List<CheckedServer> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(server(21 + i, every(1000).build()));
        }
        engine.update(four);
        engine.doWork();
        assertEquals(1, probes.started.size());
        advance(250 * MS);
        assertEquals(2, probes.started.size());
        advance(250 * MS);
        advance(250 * MS);
        assertEquals(4, probes.started.size());
    }

    @Test
    void shouldAskToRunAgainAtTheNextDueCheckOrDeadline() {
        CheckedServer a = server(21, every(1000).connectTimeout(Duration.ofMillis(300)).build());
        engine.update(List.of(a));
        long next = engine.doWork();
        assertEquals(clock.get() + 300 * MS, next, "the deadline of the running check");
        probes.last(a).ok();
        next = engine.doWork();
        assertEquals(clock.get() + 1000 * MS, next, "the next due check");
    }

    @Test
    void shouldTreatOnAsUpAndOffAsDownWithoutProbing() {
        ProbeSet set = new ProbeSet(1, 1, null);
        try {
            HealthEngine real = new HealthEngine((s, up, r) -> events.add(s.realName() + " " + up + " " + r),
                    clock::get, set, () -> { });
            CheckedServer on = server(21, CheckDefinition.builder(CheckType.ON, Service.NONE).build());
            CheckedServer off = server(22, CheckDefinition.builder(CheckType.OFF, Service.NONE).build());
            real.update(List.of(on, off));
            real.doWork();
            real.doWork();
            assertEquals(List.of("198.51.100.21:80 true checktype=on"), events);
            assertFalse(real.snapshot().stream().filter(s -> s.server().equals(off)).findFirst().orElseThrow().up());
        } finally {
            set.close();
        }
    }

    @Test
    void shouldQueueChecksBeyondTheCapAndStartThemAsSlotsFree() {
        ManualProbes capped = new ManualProbes(2);
        HealthEngine e = new HealthEngine((server, up, reason) -> { }, clock::get, capped, () -> { });
        CheckedServer a = server(21, every(1000).build());
        CheckedServer b = server(22, every(1000).build());
        CheckedServer c = server(23, every(1000).build());
        e.update(List.of(a, b, c));
        clock.addAndGet(1000 * MS);
        e.doWork();
        assertEquals(2, capped.started.size(), "two slots, two checks running");
        assertEquals(2, e.inFlight());
        assertEquals(1, e.waiting());
        clock.addAndGet(700 * MS);
        capped.last(a).ok();
        e.doWork();
        assertEquals(3, capped.started.size(), "a's slot went to c");
        assertEquals(c, capped.started.get(2).server);
        clock.addAndGet(800 * MS);
        e.doWork();
        ServerStatus cs = e.snapshot().stream().filter(st -> st.server().equals(c)).findFirst().orElseThrow();
        assertNull(cs.lastOk(), "c's deadline counts from when it started, not from when it was due");
    }

    @Test
    void shouldKeepHealthyServersOnScheduleWhileHungOnesHoldSlots() {
        ManualProbes capped = new ManualProbes(4);
        HealthEngine e = new HealthEngine((server, up, reason) -> { }, clock::get, capped, () -> { });
        List<CheckedServer> hung = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            hung.add(server(100 + i, every(1000).connectTimeout(Duration.ofMillis(900)).build()));
        }
        CheckedServer healthy = server(21, every(1000).connectTimeout(Duration.ofMillis(900)).build());
        List<CheckedServer> all = new ArrayList<>(hung);
        all.add(healthy);
        e.update(all);
        int maxInFlight = 0;
        long checksAfterStartUp = 0;
        for (int step = 0; step < 600; step++) {
            if (step == 200) {
                // the first round is slow for everyone: new servers are not suspects yet
                checksAfterStartUp = e.snapshot().stream().filter(st -> st.server().equals(healthy)).findFirst()
                        .orElseThrow().checks();
            }
            clock.addAndGet(50 * MS);
            e.doWork();
            for (ManualProbes.Started st : List.copyOf(capped.started)) {
                if (st.server.equals(healthy) && !st.cancelled) {
                    st.ok();
                }
            }
            e.doWork();
            maxInFlight = Math.max(maxInFlight, e.inFlight());
        }
        assertTrue(maxInFlight <= 4, "never more than the cap in flight: " + maxInFlight);
        ServerStatus h = e.snapshot().stream().filter(st -> st.server().equals(healthy)).findFirst().orElseThrow();
        assertTrue(h.up());
        assertTrue(h.checks() - checksAfterStartUp >= 19,
                "checked once a second over the last 20 s, not starved: " + (h.checks() - checksAfterStartUp));
        assertEquals(0, h.consecutiveFail());
        long hungChecked = e.snapshot().stream().filter(st -> !st.server().equals(healthy) && st.checks() > 0).count();
        assertEquals(20, hungChecked, "the hung servers are checked too, slower, through the suspects' half");
    }
}
