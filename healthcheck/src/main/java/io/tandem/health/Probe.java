package io.tandem.health;

/**
 * One way of checking a server: a TCP connect, a protocol exchange, a ping, a command. A probe
 * never blocks the caller: it starts the work (on an event loop or a bounded pool) and reports
 * through {@code done}, at most once. The monitor enforces {@code timeoutNanos} itself and
 * cancels what is late, so a probe's own timeouts only free its resources sooner.
 */
@FunctionalInterface
public interface Probe {
    /**
     * Starts one check of {@code server}.
     *
     * @return a handle that aborts the check (closes its sockets, kills its process); after it,
     *         {@code done} may still be called and is ignored
     */
    Cancellable start(CheckedServer server, long timeoutNanos, Outcome done);

    /** Receives a probe's result. Implementations are thread-safe. */
    @FunctionalInterface
    interface Outcome {
        /** @param reason what was seen, e.g. {@code HTTP 503 from 198.51.100.21:80, expected 2xx} */
        void complete(boolean ok, String reason);
    }

    /** Aborts a started check. */
    @FunctionalInterface
    interface Cancellable {
        Cancellable NONE = () -> { };

        void cancel();
    }

    /** Chooses the probe for one check. */
    @FunctionalInterface
    interface Selector {
        /** @param kind never {@link CheckType#NEGOTIATE_EVERY_NTH}: the monitor has decided which it is */
        Probe select(CheckedServer server, CheckType kind);

        /**
         * How many checks may run at once; the monitor queues the rest (each running check may
         * hold a socket or a thread). Unlimited unless the selector says otherwise.
         */
        default int maxInFlight() {
            return Integer.MAX_VALUE;
        }
    }
}
