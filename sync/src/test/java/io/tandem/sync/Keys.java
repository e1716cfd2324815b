package io.tandem.sync;

import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.AuthKeys;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** authkeys for the tests. */
final class Keys {
    static final AuthKeys ONE = of(1, "sync-secret-one");
    static final AuthKeys OTHER_SECRET = of(1, "another-secret");

    private Keys() {
    }

    static AuthKeys of(int id, String secret) {
        return new AuthKeys(id, Map.of(id, key(id, secret)));
    }

    static AuthKey key(int id, String secret) {
        return new AuthKey(id, AuthAlgorithm.SHA256, secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Signs with key 2, accepts 1 and 2 (a rotation in progress). */
    static AuthKeys rotated() {
        return new AuthKeys(2, Map.of(1, key(1, "sync-secret-one"), 2, key(2, "sync-secret-two")));
    }
}
