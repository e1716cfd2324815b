package io.tandem.heartbeat;

import io.tandem.config.AuthAlgorithm;
import io.tandem.config.AuthKey;
import io.tandem.config.Hmac;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One authkeys key ready to sign and verify heartbeats: its id, its {@link Hmac}, its MAC length.
 * Not thread-safe (the HMAC's digests are reused); owned by one {@link HeartbeatCodec}.
 */
final class SigningKey {
    final int id;
    final Hmac hmac;
    final int macLength;

    SigningKey(AuthKey key) {
        AuthAlgorithm algorithm = key.algorithm();
        this.id = key.id();
        this.macLength = algorithm.macLength();
        if (macLength > HeartbeatCodec.MAX_MAC_BYTES) {
            throw new IllegalArgumentException("authkeys key id=" + id + " algorithm=" + algorithm
                    + " gives a " + macLength + "-byte MAC, must be <= " + HeartbeatCodec.MAX_MAC_BYTES);
        }
        try {
            // The JCA checks the secret (an empty one is refused) with the message users know.
            Mac.getInstance(algorithm.macName()).init(new SecretKeySpec(key.secret(), algorithm.macName()));
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new IllegalArgumentException("authkeys key id=" + id + " is unusable as an "
                    + algorithm.macName() + " key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no " + algorithm.macName(), e);
        }
        this.hmac = new Hmac(algorithm, key.secret());
        if (hmac.length() != macLength) {
            throw new IllegalStateException(algorithm.macName() + " gives " + hmac.length()
                    + "-byte MACs, expected " + macLength);
        }
    }

    /** Whether the MAC after {@code b[0..end)} is right; compares in constant time. */
    boolean verify(byte[] b, int end, byte[] expected) {
        hmac.compute(b, 0, end, expected, 0);
        int diff = 0;
        for (int i = 0; i < macLength; i++) {
            diff |= expected[i] ^ b[end + i];
        }
        return diff == 0;
    }
}
