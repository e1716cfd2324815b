package io.tandem.director.sched;

/**
 * What a scheduler sees of a virtual service's real servers: a fixed, indexed list whose
 * entries never move (a server taken out of the service stays at its index, marked as not a
 * member), so that an index handed out once stays meaningful.
 *
 * <p>Every method is called on the forwarding thread only and must not allocate. After any
 * change of a weight or a membership, the owner calls {@link Scheduler#onServersChanged()}.
 */
public interface ServerSet {
    /** Number of servers, members or not. */
    int size();

    /**
     * Current weight, 0..65535; 0 for a quiesced server (it takes no new connections) and for
     * a server that is not a member.
     */
    int weight(int server);

    /**
     * The last weight above zero this server had, kept while it is quiesced (IPVS's
     * {@code last_weight}): Maglev sizes a server's share of its table by it, so that quiescing
     * a server and bringing it back does not move anyone else's clients.
     */
    int lastWeight(int server);

    /** False once the server has been taken out of the service (rather than quiesced). */
    boolean isMember(int server);

    /** Connections in ESTABLISHED state (TCP) bound to the server. */
    int activeConnections(int server);

    /** All other connections bound to the server (TCP not established, all UDP). */
    int inactiveConnections(int server);

    /** Upper 64 bits of the server's address (0 for IPv4, which is kept IPv4-mapped). */
    long addressHigh(int server);

    /** Lower 64 bits of the server's address ({@code ::ffff:a.b.c.d} for IPv4). */
    long addressLow(int server);

    /** The server's port. */
    int port(int server);
}
