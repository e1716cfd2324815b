package io.tandem.failover;

/**
 * Anything a resource group holds: a virtual address, the director, a service. The failover
 * engine sees resources only through this interface. Both calls block until done and are made
 * from the resource thread, never from the failover thread.
 */
public interface Resource {
    /** What the resource is, as an operator would name it ({@code IPaddr2::198.51.100.10/24/eth0}). */
    String name();

    /** Brings the resource up; idempotent. Throws with a reason an operator can act on. */
    void start() throws Exception;

    /** Takes the resource down; idempotent. */
    void stop() throws Exception;

    /**
     * Re-asserts a running resource to the outside world, e.g. a VIP announces itself again with
     * gratuitous ARP after a split brain. Does nothing by default.
     */
    default void refresh() throws Exception {
    }

    /** Whether the resource is up right now (for status and for stale-state checks). */
    boolean isRunning();
}
