package io.tandem.health;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;

/**
 * A probe written with a blocking client (Commons Net, JDBC, LDAP SDK, a process), run on a
 * bounded pool. Cancelling it closes every resource the check registered (its socket, its
 * process) and interrupts its thread, so a hung server frees the thread at the check's deadline.
 */
public abstract class BlockingProbe implements Probe {
    private final Executor executor;

    protected BlockingProbe(Executor executor) {
        this.executor = executor;
    }

    /**
     * Runs one check on a pool thread.
     *
     * @param timeoutMillis what socket and connect timeouts should be (the monitor's deadline is hard anyway)
     * @param resources     register what must be closed if the check is cancelled
     * @return what a successful check saw (the {@code reason} of an up result)
     * @throws CheckFailure the server answered wrongly; any other exception is a failure too
     */
    protected abstract String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception;

    @Override
    public final Cancellable start(CheckedServer server, long timeoutNanos, Outcome done) {
        Resources resources = new Resources();
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutNanos / 1_000_000));
        FutureTask<Void> task = new FutureTask<>(() -> {
            if (resources.cancelled()) {
                return null;
            }
            String prefix = HealthEngine.describe(kind(server), server);
            try {
                done.complete(true, prefix + ": " + check(server, timeoutMillis, resources));
            } catch (CheckFailure e) {
                done.complete(false, prefix + ": " + e.getMessage());
            } catch (Exception | LinkageError e) {
                done.complete(false, prefix + ": " + explain(e));
            } finally {
                resources.closeAll();
            }
            return null;
        });
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            done.complete(false, HealthEngine.describe(kind(server), server) + ": check pool is shut down");
        }
        return () -> {
            resources.closeAll();
            task.cancel(true);
        };
    }

    /** The kind of check this probe is, for messages. */
    protected CheckType kind(CheckedServer server) {
        return CheckType.NEGOTIATE;
    }

    /** A one-line description of why a check threw. */
    private static final java.util.regex.Pattern NATIVE_ERROR =
            java.util.regex.Pattern.compile("^[a-zA-Z]+\\(\\.\\.\\) failed with error\\(-?[0-9]+\\): ");

    static String explain(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root
                && (root.getMessage() == null || root instanceof java.util.concurrent.ExecutionException)) {
            root = root.getCause();
        }
        // epoll's native errors read "finishConnect(..) failed with error(-111): Connection refused: host/a:p"
        String message = root.getMessage() == null ? "" : NATIVE_ERROR.matcher(root.getMessage()).replaceFirst("");
        if (root instanceof ConnectException) {
            return message.isEmpty() || message.startsWith("Connection refused") ? "connection refused"
                    : "connect failed: " + message;
        }
        if (root instanceof SocketTimeoutException) {
            return "timed out (" + message + ")";
        }
        if (root instanceof PortUnreachableException) {
            return "port unreachable";
        }
        if (root instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    /** What a running check must close if it is cancelled; closed in any case when it ends. */
    public static final class Resources {
        private final List<AutoCloseable> open = new ArrayList<>();
        private boolean cancelled;

        /** Registers {@code c}; closes it at once if the check was already cancelled. */
        public synchronized <T extends AutoCloseable> T add(T c) {
            if (cancelled) {
                closeQuietly(c);
            } else {
                open.add(c);
            }
            return c;
        }

        synchronized boolean cancelled() {
            return cancelled;
        }

        synchronized void closeAll() {
            cancelled = true;
            for (AutoCloseable c : open) {
                closeQuietly(c);
            }
            open.clear();
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the check is over; a close that fails changes nothing
            }
        }
    }
}
