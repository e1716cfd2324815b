package io.tandem.health;

import io.netty.bootstrap.Bootstrap;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code service=radius}: one Access-Request (RFC 2865) signed with the shared
 * {@code secret=}; any well-formed answer to it (Access-Accept, Access-Reject or
 * Access-Challenge with our identifier and a Response Authenticator made with the same secret)
 * means the server is alive. A wrong secret shows as an answer that does not verify.
 *
 * <pre>
 *   0        1        2                 4
 *   +--------+--------+-----------------+
 *   |  code  |   id   |     length      |   code 1 Access-Request, 2 Accept, 3 Reject, 11 Challenge
 *   +--------+--------+-----------------+
 *   |   authenticator (16 bytes)        |   request: random; response: MD5(code id length
 *   +-----------------------------------+             request-authenticator attributes secret)
 *   | type | len | value ...            |   attributes: User-Name(1), User-Password(2, hidden with
 *   +-----------------------------------+   MD5(secret+authenticator)), NAS-Identifier(32),
 *                                           Message-Authenticator(80, HMAC-MD5 of the packet)
 * </pre>
 * Netty datagrams on the event loop.
 */
final class RadiusProbe implements Probe {
    static final int ACCESS_REQUEST = 1;
    static final int ACCESS_ACCEPT = 2;
    static final int ACCESS_REJECT = 3;
    static final int ACCESS_CHALLENGE = 11;
    private static final int HEADER_BYTES = 20;
    private static final int AUTHENTICATOR_OFFSET = 4;
    private static final int ATTR_USER_NAME = 1;
    private static final int ATTR_USER_PASSWORD = 2;
    private static final int ATTR_NAS_IDENTIFIER = 32;
    private static final int ATTR_MESSAGE_AUTHENTICATOR = 80;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Bootstrap udp;

    RadiusProbe(Bootstrap udp) {
        this.udp = udp;
    }

    @Override
    public Cancellable start(CheckedServer server, long timeoutNanos, Outcome done) {
        CheckDefinition check = server.check();
        byte[] secret = (check.secret() == null ? "" : check.secret()).getBytes(StandardCharsets.UTF_8);
        int id = RANDOM.nextInt(256);
        byte[] authenticator = new byte[16];
        RANDOM.nextBytes(authenticator);
        byte[] request = accessRequest(id, authenticator, secret,
                check.login() == null ? "tandem-healthcheck" : check.login(),
                check.passwd() == null ? "" : check.passwd());
        return UdpExchange.start(udp, server.checkAddress(), HealthEngine.describe(CheckType.NEGOTIATE, server), timeoutNanos,
                () -> new ChannelHandler[0],
                ch -> new DatagramPacket(Unpooled.wrappedBuffer(request), server.checkAddress()),
                msg -> msg instanceof DatagramPacket p ? judge(ByteBufUtil.getBytes(p.content()), id, authenticator, secret)
                        : null,
                done);
    }

    static byte[] accessRequest(int id, byte[] authenticator, byte[] secret, String user, String password) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ACCESS_REQUEST);
        out.write(id);
        out.write(0);
        out.write(0);
        out.writeBytes(authenticator);
        attribute(out, ATTR_USER_NAME, user.getBytes(StandardCharsets.UTF_8));
        attribute(out, ATTR_USER_PASSWORD, hidePassword(password.getBytes(StandardCharsets.UTF_8), secret, authenticator));
        attribute(out, ATTR_NAS_IDENTIFIER, "tandem".getBytes(StandardCharsets.US_ASCII));
        int macOffset = out.size() + 2;
        attribute(out, ATTR_MESSAGE_AUTHENTICATOR, new byte[16]);
        byte[] packet = out.toByteArray();
        packet[2] = (byte) (packet.length >>> 8);
        packet[3] = (byte) packet.length;
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacMD5"));
            System.arraycopy(mac.doFinal(packet), 0, packet, macOffset, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-MD5 is not available", e);
        }
        return packet;
    }

    /** RFC 2865 5.2: c(i) = p(i) xor MD5(secret + c(i-1)), c(0) = the request authenticator. */
    static byte[] hidePassword(byte[] password, byte[] secret, byte[] authenticator) {
        int len = Math.max(16, (password.length + 15) / 16 * 16);
        byte[] out = Arrays.copyOf(password, len);
        byte[] previous = authenticator;
        for (int i = 0; i < len; i += 16) {
            byte[] b = md5(secret, previous);
            for (int j = 0; j < 16; j++) {
                out[i + j] ^= b[j];
            }
            previous = Arrays.copyOfRange(out, i, i + 16);
        }
        return out;
    }

    static UdpExchange.Verdict judge(byte[] answer, int id, byte[] requestAuthenticator, byte[] secret) {
        if (answer.length < HEADER_BYTES || (answer[1] & 0xFF) != id) {
            return null;
        }
        int length = ((answer[2] & 0xFF) << 8) | (answer[3] & 0xFF);
        if (length < HEADER_BYTES || length > answer.length) {
            return new UdpExchange.Verdict(false, "answer with bad length " + length);
        }
        int code = answer[0] & 0xFF;
        String name = switch (code) {
            case ACCESS_ACCEPT -> "Access-Accept";
            case ACCESS_REJECT -> "Access-Reject";
            case ACCESS_CHALLENGE -> "Access-Challenge";
            default -> null;
        };
        if (name == null) {
            return new UdpExchange.Verdict(false, "answer code " + code + " is not an answer to Access-Request");
        }
        byte[] copy = Arrays.copyOf(answer, length);
        byte[] given = Arrays.copyOfRange(copy, AUTHENTICATOR_OFFSET, AUTHENTICATOR_OFFSET + 16);
        System.arraycopy(requestAuthenticator, 0, copy, AUTHENTICATOR_OFFSET, 16);
        if (!MessageDigest.isEqual(given, md5(copy, secret))) {
            return new UdpExchange.Verdict(false, name + " does not verify with the shared secret");
        }
        return new UdpExchange.Verdict(true, name);
    }

    private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(value.length + 2);
        out.writeBytes(value);
    }

    private static byte[] md5(byte[] a, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(a);
            md.update(b);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    }

}
