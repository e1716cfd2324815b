package io.tandem.health;

/**
 * Told when a real server goes up or down. Called on the monitor's thread, in order; it must
 * return quickly (queue the work), since no check is started or timed out while it runs.
 */
@FunctionalInterface
public interface HealthListener {
    /**
     * @param server the server whose state changed
     * @param up     its new state
     * @param reason the result that changed it, e.g. {@code HTTP 503 from 198.51.100.21:80, expected 2xx}
     */
    void onHealthChanged(CheckedServer server, boolean up, String reason);
}
