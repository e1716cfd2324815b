package io.tandem.heartbeat;

import io.tandem.config.AuthKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds datagrams byte by byte, signed or not, to reach the codec's checks on authentic input. */
final class RawDatagram {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Starts with the fixed 89 bytes of {@code valid} (a datagram from the codec). */
    static RawDatagram withHeaderOf(byte[] valid) {
        RawDatagram d = new RawDatagram();
        d.out.write(valid, 0, HeartbeatCodec.FIXED_BYTES);
        return d;
    }

    /** Everything but the MAC of {@code valid}, signed with a MAC of {@code macLength} bytes. */
    static RawDatagram unsignedPartOf(byte[] valid, int macLength) {
        RawDatagram d = new RawDatagram();
        d.out.write(valid, 0, valid.length - macLength);
        return d;
    }

    RawDatagram name(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length);
        out.writeBytes(b);
        return this;
    }

    RawDatagram u8(int v) {
        out.write(v);
        return this;
    }

    RawDatagram bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** The bytes so far with byte {@code index} replaced. */
    RawDatagram set(int index, int value) {
        byte[] b = out.toByteArray();
        b[index] = (byte) value;
        out.reset();
        out.writeBytes(b);
        return this;
    }

    byte[] unsigned() {
        return out.toByteArray();
    }

    /** The bytes so far followed by their HMAC under {@code key}. */
    byte[] signedWith(AuthKey key) {
        byte[] body = out.toByteArray();
        try {
            Mac mac = Mac.getInstance(key.algorithm().macName());
            mac.init(new SecretKeySpec(key.secret(), key.algorithm().macName()));
            byte[] tag = mac.doFinal(body);
            byte[] all = Arrays.copyOf(body, body.length + tag.length);
            System.arraycopy(tag, 0, all, body.length, tag.length);
            return all;
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
