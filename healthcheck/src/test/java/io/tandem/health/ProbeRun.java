package io.tandem.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one probe of a real {@link ProbeSet} and waits for its result (bounded). */
final class ProbeRun {
    record Result(boolean ok, String reason) {
    }

    private ProbeRun() {
    }

    static Result run(ProbeSet probes, CheckedServer server, CheckType kind, Duration timeout) throws Exception {
        CompletableFuture<Result> f = new CompletableFuture<>();
        Probe.Cancellable c = probes.select(server, kind).start(server, timeout.toNanos(),
                (ok, reason) -> f.complete(new Result(ok, reason)));
        try {
            return f.get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } finally {
            c.cancel();
        }
    }

    static Result negotiate(ProbeSet probes, CheckedServer server) throws Exception {
        return run(probes, server, CheckType.NEGOTIATE, server.check().negotiateTimeout());
    }
}
