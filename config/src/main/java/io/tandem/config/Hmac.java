package io.tandem.config;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC (RFC 2104) over the JDK's {@link MessageDigest}, writing into the caller's array:
 * {@code H((K ^ opad) || H((K ^ ipad) || m))}. The JDK's {@code Mac.doFinal(byte[], int)} gives
 * the same bytes but allocates its inner digest on every call; this one allocates nothing per
 * datagram, so a flood of forged heartbeats (or sync datagrams) costs CPU and no garbage. Signs
 * with an {@link AuthKeys} key: the heartbeat and the connection sync share it. Not thread-safe.
 */
public final class Hmac {
    /** SHA-256, SHA-1 and MD5 all work on 64-byte blocks. */
    private static final int BLOCK_BYTES = 64;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[BLOCK_BYTES];
    private final byte[] outerPad = new byte[BLOCK_BYTES];
    private final byte[] innerDigest;
    private final int length;

    public Hmac(AuthAlgorithm algorithm, byte[] secret) {
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

    /** The MAC's length in bytes. */
    public int length() {
        return length;
    }

    /** Writes the MAC of {@code b[off, off + len)} at {@code out[outOff]}. */
    public void compute(byte[] b, int off, int len, byte[] out, int outOff) {
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
