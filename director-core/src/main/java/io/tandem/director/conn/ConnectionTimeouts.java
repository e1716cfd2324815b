package io.tandem.director.conn;

import java.time.Duration;
import java.util.Arrays;

/**
 * How long a connection entry lives without packets, per TCP state and for UDP: IPVS's
 * defaults unless changed (as {@code ipvsadm --set tcp tcpfin udp} changes the ESTABLISHED,
 * FIN_WAIT and UDP ones). Immutable.
 */
public final class ConnectionTimeouts {
    private static final long S = 1_000_000_000L;

    /** IPVS's defaults: ESTABLISHED 900 s, SYN_RECV 60 s, CLOSE 10 s, UDP 300 s, ... */
    public static final ConnectionTimeouts IPVS_DEFAULTS = new ConnectionTimeouts(new long[] {
        2 * S,      // NONE
        900 * S,    // ESTABLISHED
        120 * S,    // SYN_SENT
        60 * S,     // SYN_RECV
        120 * S,    // FIN_WAIT
        120 * S,    // TIME_WAIT
        10 * S,     // CLOSE
        60 * S,     // CLOSE_WAIT
        30 * S,     // LAST_ACK
        120 * S,    // LISTEN
        120 * S,    // SYNACK
    }, 300 * S);

    /** Entries store timeouts in milliseconds in an int: about 24 days at most. */
    public static final long MAX_TIMEOUT_NS = Integer.MAX_VALUE * 1_000_000L;

    private final long[] tcpNs;
    private final long udpNs;

    private ConnectionTimeouts(long[] tcpNs, long udpNs) {
        this.tcpNs = tcpNs;
        this.udpNs = udpNs;
    }

    /** Timeout of a TCP connection in {@code state}, in nanoseconds. */
    public long tcpNs(int state) {
        return tcpNs[state];
    }

    /** Timeout of a UDP connection, in nanoseconds. */
    public long udpNs() {
        return udpNs;
    }

    /** A copy with the timeout of one TCP state changed. */
    public ConnectionTimeouts withTcp(int state, Duration timeout) {
        if (state < 0 || state >= TcpStates.COUNT) {
            throw new IllegalArgumentException("state=" + state + " is not a TCP state");
        }
        long[] copy = Arrays.copyOf(tcpNs, tcpNs.length);
        copy[state] = checked(TcpStates.name(state), timeout);
        return new ConnectionTimeouts(copy, udpNs);
    }

    /** A copy with the UDP timeout changed. */
    public ConnectionTimeouts withUdp(Duration timeout) {
        return new ConnectionTimeouts(tcpNs, checked("UDP", timeout));
    }

    private static long checked(String what, Duration timeout) {
        long ns = timeout.toNanos();
        if (ns < 1_000_000L || ns > MAX_TIMEOUT_NS) {
            throw new IllegalArgumentException("timeout " + what + "=" + timeout
                    + " must be between 1 ms and " + Duration.ofNanos(MAX_TIMEOUT_NS));
        }
        return ns;
    }
}
