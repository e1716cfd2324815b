package io.tandem.health;

import java.util.ArrayList;
import java.util.List;

/**
 * Probes whose checks stay open until the test completes them: lets a test drive the engine's
 * scheduling with a fake clock. It stands for the network only in these scheduler tests; every
 * probe has its own tests against real servers.
 */
final class ManualProbes implements Probe.Selector {
    final List<Started> started = new ArrayList<>();
    private final int maxInFlight;

    ManualProbes() {
        this(Integer.MAX_VALUE);
    }

    ManualProbes(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    @Override
    public int maxInFlight() {
        return maxInFlight;
    }

    /** One started check. */
    static final class Started {
        final CheckedServer server;
        final CheckType kind;
        final long timeoutNanos;
        final Probe.Outcome outcome;
        boolean cancelled;

        Started(CheckedServer server, CheckType kind, long timeoutNanos, Probe.Outcome outcome) {
            this.server = server;
            this.kind = kind;
            this.timeoutNanos = timeoutNanos;
            this.outcome = outcome;
        }

        void ok() {
            outcome.complete(true, "fine");
        }

        void fail() {
            outcome.complete(false, "broken");
        }
    }

    @Override
    public Probe select(CheckedServer server, CheckType kind) {
        return (s, timeoutNanos, outcome) -> {
            Started st = new Started(s, kind, timeoutNanos, outcome);
            started.add(st);
            return () -> st.cancelled = true;
        };
    }

    List<Started> of(CheckedServer server) {
        return started.stream().filter(s -> s.server.equals(server)).toList();
    }

    Started last(CheckedServer server) {
        List<Started> list = of(server);
        return list.get(list.size() - 1);
    }
}
