package io.tandem.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StallDetectorTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = -5_000 * MS;

    private final StallDetector detector = new StallDetector("d1", 10 * MS, 200 * MS);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(StallDetector.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    @Test
    void shouldJudgeWhileTicksComeRegularly() {
        long t = T0;
        for (; t < T0 + 1_000 * MS; t += 10 * MS) {
            assertTrue(detector.onTick(t));
        }
        assertTrue(detector.onTick(t - 10 * MS + 200 * MS), "exactly the threshold is not a stall");
        assertEquals(0, detector.stalls());
        assertEquals(List.of(), log.list);
    }

    @Test
    void shouldHoldVerdictsForOneKeepaliveAndAMarginAfterAStall() {
        detector.onTick(T0);
        long resume = T0 + 2_013 * MS;

        assertFalse(detector.onTick(resume));
        assertFalse(detector.onTick(resume + 10 * MS), "catch-up ticks right after the stall");
        assertFalse(detector.judging(resume + detector.graceNanos() - 1));
        assertTrue(detector.judging(resume + detector.graceNanos()));
        boolean judging = false;
        for (long t = resume + 20 * MS; t <= resume + detector.graceNanos(); t += 10 * MS) {
            judging = detector.onTick(t);
        }
        assertTrue(judging, "regular ticks again after the grace");
        assertEquals(200 * MS, detector.thresholdNanos(), "max(2 x tick, keepalive)");
        assertEquals(250 * MS, detector.graceNanos(), "keepalive + max(2 x tick, keepalive / 4)");
    }

    @Test
    void shouldLogEachStallOnceAtWarnAndCountIt() {
        detector.onTick(T0);
        detector.onTick(T0 + 2_013 * MS);
        for (int i = 1; i <= 30; i++) {
            detector.onTick(T0 + 2_013 * MS + i * 10 * MS);
        }
        detector.onTick(T0 + 2_013 * MS + 300 * MS + 700 * MS);

        assertEquals(2, detector.stalls());
        assertEquals(700 * MS, detector.lastStallNanos());
        assertEquals(2_013 * MS, detector.longestStallNanos());
        assertEquals(2, log.list.size());
        assertEquals("d1: tandemd itself was stalled for 2013ms (GC, CPU starvation or SIGSTOP?); not judging the"
                + " peer until the socket is drained", log.list.get(0).getFormattedMessage());
        assertEquals("WARN", log.list.get(0).getLevel().toString());
    }

    @Test
    void shouldUseTwiceTheTickWhenTicksAreSlowerThanKeepalive() {
        StallDetector slow = new StallDetector("d1", 150 * MS, 200 * MS);
        slow.onTick(T0);
        assertTrue(slow.onTick(T0 + 300 * MS));
        assertFalse(slow.onTick(T0 + 300 * MS + 301 * MS));
        assertEquals(300 * MS, slow.thresholdNanos());
    }

    @Test
    void shouldRefuseNonPositiveTimes() {
        assertThrows(IllegalArgumentException.class, () -> new StallDetector("d1", 0, 200 * MS));
        assertThrows(IllegalArgumentException.class, () -> new StallDetector("d1", 10 * MS, -1));
    }
}
