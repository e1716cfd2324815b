package io.tandem.tests;

import io.tandem.lab.DirectorLab;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import static org.awaitility.Awaitility.await;

/**
 * What every lab test shares: a fresh two-director lab per test method, in
 * {@code target/lab/METHOD}, always torn down (daemons ended by PID, namespaces deleted), also
 * when the test fails.
 */
abstract class LabTestBase {
    static final Duration WAIT = Duration.ofSeconds(20);
    DirectorLab lab;
    private Path work;

    @BeforeEach
    void buildLab(TestInfo test) throws IOException {
        work = Path.of("target", "lab", test.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        lab = new DirectorLab(DirectorLab.findRepo(), work, timing()).build();
    }

    @AfterEach
    void tearDownLab() {
        if (lab != null) {
            lab.close();
        }
    }

    /** The heartbeat timing of this test's lab; keepalive 50ms, deadtime 250ms unless overridden. */
    DirectorLab.Timing timing() {
        return DirectorLab.Timing.fast();
    }

    /** Starts both daemons and waits until d1 holds the VIP and d2 stands by. */
    void startPair() {
        lab.startDaemon("d1");
        lab.startDaemon("d2");
        await().atMost(WAIT).ignoreExceptions().until(() -> state("d1").equals("active") && state("d2").equals("standby"));
        await().atMost(WAIT).until(() -> lab.kernelHasVip("d1"));
    }

    String state(String d) throws IOException {
        return lab.status(d).path("state").asText();
    }
}
