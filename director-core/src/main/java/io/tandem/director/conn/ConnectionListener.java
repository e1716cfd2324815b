package io.tandem.director.conn;

/**
 * Told by the {@link ConnectionTable} how many connections each real server has, so that the
 * least-connection schedulers see live counts. Called on the forwarding thread, from lookups,
 * inserts and expiry alike; implementations must not allocate.
 */
public interface ConnectionListener {
    /** A connection to {@code serverId} appeared, counted active (ESTABLISHED) or inactive. */
    void onConnectionAdded(int serverId, boolean active);

    /** A connection to {@code serverId} became active (entered ESTABLISHED) or stopped being. */
    void onConnectionActivityChanged(int serverId, boolean active);

    /** A connection to {@code serverId} expired or was removed; it was counted as given. */
    void onConnectionRemoved(int serverId, boolean active);

    /** A persistence template for {@code serverId} appeared. */
    void onTemplateAdded(int serverId);

    /** A persistence template for {@code serverId} expired or was removed. */
    void onTemplateRemoved(int serverId);
}
