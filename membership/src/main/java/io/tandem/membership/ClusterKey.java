package io.tandem.membership;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The membership channel's key, derived from the authkeys secret with HKDF-SHA256 (RFC 5869):
 *
 * <pre>
 * PRK = HMAC-SHA256(key = 32 zero bytes, data = secret)                 extract
 * OKM = HMAC-SHA256(key = PRK, data = "tandem-jgroups-encrypt" || 0x01)  expand, one block
 * </pre>
 *
 * The 32 bytes of OKM are a ChaCha20-Poly1305 key. The label keeps this key apart from the
 * heartbeat's HMAC key, which uses the same secret: learning one does not give the other.
 */
final class ClusterKey {

    /** HKDF info; changing it changes every node's key, so it never changes within a version. */
    static final String LABEL = "tandem-jgroups-encrypt";
    /** JGroups' SYM_ENCRYPT keeps this transformation only if the key says the same algorithm. */
    static final String CIPHER = "ChaCha20-Poly1305";
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;

    private static final String HMAC = "HmacSHA256";

    private ClusterKey() {
    }

    static SecretKey derive(byte[] secret) {
        return new SecretKeySpec(hkdfSha256(secret, LABEL.getBytes(StandardCharsets.US_ASCII)), CIPHER);
    }

    /** HKDF-SHA256 with no salt, one block (32 bytes) of output. */
    static byte[] hkdfSha256(byte[] inputKey, byte[] info) {
        try {
            Mac extract = Mac.getInstance(HMAC);
            extract.init(new SecretKeySpec(new byte[KEY_BYTES], HMAC));
            byte[] prk = extract.doFinal(inputKey);

            Mac expand = Mac.getInstance(HMAC);
            expand.init(new SecretKeySpec(prk, HMAC));
            expand.update(info);
            expand.update((byte) 1);
            byte[] okm = expand.doFinal();
            Arrays.fill(prk, (byte) 0);
            return okm;
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is mandatory in every Java platform; this cannot happen on a working JDK.
            throw new IllegalStateException("membership: cannot derive the channel key: " + e, e);
        }
    }
}
