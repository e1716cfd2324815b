package io.tandem.config;

import java.util.Map;

/**
 * The keys of authkeys. Datagrams are signed with {@link #active()}; any listed key is accepted,
 * so keys can be rotated without downtime.
 */
public record AuthKeys(int activeId, Map<Integer, AuthKey> keys) {
    public AuthKeys {
        keys = Map.copyOf(keys);
        if (!keys.containsKey(activeId)) {
            throw new IllegalArgumentException("active key " + activeId + " is not among " + keys.keySet());
        }
    }

    public AuthKey active() {
        return keys.get(activeId);
    }

    /** The key with this id, or null. */
    public AuthKey byId(int id) {
        return keys.get(id);
    }
}
