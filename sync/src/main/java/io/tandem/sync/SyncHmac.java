package io.tandem.sync;

import io.tandem.config.AuthAlgorithm;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC (RFC 2104) over the JDK's {@link MessageDigest}, writing into the caller's array, so that
 * signing and verifying a sync datagram allocates nothing (the JDK's {@code Mac} allocates its
 * inner digest per call). The same construction as the heartbeat's, which is not exported.
 * Not thread-safe.
 */
final class SyncHmac {
    private static final int BLOCK_BYTES = 64;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[BLOCK_BYTES];
    private final byte[] outerPad = new byte[BLOCK_BYTES];
    private final byte[] innerDigest;
    private final int length;

    SyncHmac(AuthAlgorithm algorithm, byte[] secret) {
        String digestName = switch (algorithm) {
            case SHA256 -> "SHA-256";
            case SHA1 -> "SHA-1";
            case MD5 -> "MD5";
        };
        try {
            inner = MessageDigest.getInstance(digestName);
            outer = MessageDigest.getInstance(digestName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no " + digestName, e);
        }
        length = inner.getDigestLength();
        innerDigest = new byte[length];
        byte[] key = secret.length > BLOCK_BYTES ? inner.digest(secret) : secret;
        for (int i = 0; i < BLOCK_BYTES; i++) {
            byte k = i < key.length ? key[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
        }
        if (key != secret) {
            Arrays.fill(key, (byte) 0);
        }
    }

    int length() {
        return length;
    }

    /** Writes the MAC of {@code b[off, off + len)} at {@code out[outOff]}. */
    void compute(byte[] b, int off, int len, byte[] out, int outOff) {
        try {
            inner.reset();
            inner.update(innerPad);
            inner.update(b, off, len);
            inner.digest(innerDigest, 0, length);
            outer.reset();
            outer.update(outerPad);
            outer.update(innerDigest, 0, length);
            outer.digest(out, outOff, length);
        } catch (DigestException e) {
            throw new IllegalStateException("digest buffer too short", e);
        }
    }
}
