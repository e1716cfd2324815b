package io.tandem.health;

/** ldirectord's {@code checktype=}: what each check of a real server does. */
public enum CheckType {
    /** A TCP connect (or, for a UDP service, a datagram that must not draw an ICMP error). */
    CONNECT,
    /** The service's own protocol ({@code service=}): a request and the expected answer. */
    NEGOTIATE,
    /** {@code checktype=N}: negotiate on every Nth check, connect on the others. */
    NEGOTIATE_EVERY_NTH,
    /** An ICMP echo. */
    PING,
    /** {@code checkcommand=} run with ldirectord's arguments; exit status 0 means up. */
    EXTERNAL,
    /** Always up, never checked. */
    ON,
    /** Always down, never checked. */
    OFF
}
