package io.tandem.health;

import java.util.concurrent.Executor;

/**
 * {@code checktype=ping}: one ICMP echo. The JDK sends a real ICMP echo request when the process
 * may (root, or an unprivileged ICMP socket allowed by {@code net.ipv4.ping_group_range}); tandemd
 * runs as root. Runs on the blocking pool, inside the network namespace of the pool's thread.
 */
final class PingProbe extends BlockingProbe {
    PingProbe(Executor executor) {
        super(executor);
    }

    @Override
    protected CheckType kind(CheckedServer server) {
        return CheckType.PING;
    }

    @Override
    protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
        if (!server.real().getAddress().isReachable(timeoutMillis)) {
            throw new CheckFailure("no echo reply within " + timeoutMillis + " ms");
        }
        return "echo reply";
    }
}
