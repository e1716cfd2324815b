package io.tandem.membership;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The payload of a membership message. JGroups already frames, orders, encrypts and
 * authenticates it; this only has to be compact, bounded, and safe to read when it is garbage.
 *
 * <pre>
 * offset  bytes  field
 * ------  -----  ----------------------------------------------------------
 *      0      1  magic 0x54 ('T')
 *      1      1  version, 1
 *      2      1  kind: 1 = control message
 *      3      2  type length T (unsigned, big-endian)
 *      5      T  type, UTF-8
 *    5+T      2  field count F (unsigned)
 *    7+T    ...  F times: key length (u16), key (UTF-8), value length (u16), value (UTF-8)
 * </pre>
 *
 * Kind 1 is a control message; other kinds are reserved for later message families, and a
 * receiver that meets a kind it does not know skips the message ({@link #decode} returns null).
 * Fields are written in key order, so equal messages encode alike.
 */
final class ControlMessageCodec {

    static final byte MAGIC = 0x54; // 'T'
    static final byte VERSION = 1;
    static final byte KIND_CONTROL = 1;

    private static final int HEADER_BYTES = 3;
    private static final int LENGTH_BYTES = 2;

    private ControlMessageCodec() {
    }

    /** Thrown when a payload is not a well-formed message; the caller drops and counts it. */
    static final class MalformedMessageException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedMessageException(String reason) {
            super(reason, null, false, false);
        }
    }

    static byte[] encode(ControlMessage message) {
        ByteBuffer out = ByteBuffer.allocate(encodedLength(message.type(), message.fields()));
        out.put(MAGIC).put(VERSION).put(KIND_CONTROL);
        putString(out, message.type());
        out.putShort((short) message.fields().size());
        for (Map.Entry<String, String> field : new TreeMap<>(message.fields()).entrySet()) {
            putString(out, field.getKey());
            putString(out, field.getValue());
        }
        return out.array();
    }

    static int encodedLength(String type, Map<String, String> fields) {
        long length = HEADER_BYTES + stringLength(type) + LENGTH_BYTES;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            length += stringLength(field.getKey()) + stringLength(field.getValue());
        }
        return (int) Math.min(length, Integer.MAX_VALUE);
    }

    /**
     * Reads one message.
     *
     * @return the message, or null when it is of a kind this version does not know
     * @throws MalformedMessageException when the bytes are not a message of this format
     */
    static ControlMessage decode(byte[] array, int offset, int length) throws MalformedMessageException {
        if (array == null || length < HEADER_BYTES) {
            throw new MalformedMessageException("shorter than the header");
        }
        if (length > ControlMessage.MAX_ENCODED_BYTES) {
            throw new MalformedMessageException("longer than " + ControlMessage.MAX_ENCODED_BYTES + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(array, offset, length);
        if (in.get() != MAGIC || in.get() != VERSION) {
            throw new MalformedMessageException("bad magic or version");
        }
        if (in.get() != KIND_CONTROL) {
            return null;
        }
        try {
            String type = getString(in);
            int count = Short.toUnsignedInt(in.getShort());
            if (count > ControlMessage.MAX_FIELDS) {
                throw new MalformedMessageException(count + " fields");
            }
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < count; i++) {
                fields.put(getString(in), getString(in));
            }
            if (in.hasRemaining()) {
                throw new MalformedMessageException(in.remaining() + " trailing bytes");
            }
            return new ControlMessage(type, fields);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new MalformedMessageException("truncated");
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
    }

    private static long stringLength(String s) {
        return LENGTH_BYTES + (long) s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.putShort((short) bytes.length);
        out.put(bytes);
    }

    private static String getString(ByteBuffer in) throws MalformedMessageException {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw new MalformedMessageException("string of " + length + " bytes overruns the message");
        }
        ByteBuffer bytes = in.slice();
        bytes.limit(length);
        in.position(in.position() + length);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return utf8.decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("string is not UTF-8");
        }
    }
}
