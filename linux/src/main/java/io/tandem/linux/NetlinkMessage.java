package io.tandem.linux;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Byte layout of netlink messages: the header, attributes and error/ack replies. Pure functions
 * over buffers in native byte order; no I/O.
 *
 * <pre>
 *  nlmsghdr (16 bytes)                           rtattr (4 bytes + value, padded to 4)
 *  0      4      6      8      12     16          0      2      4
 *  +------+------+------+------+------+           +------+------+---------------+
 *  | len  | type | flags| seq  | port |           | len  | type | value ...     |
 *  +------+------+------+------+------+           +------+------+---------------+
 *
 *  NLMSG_ERROR payload: int error (0 = ack, else -errno), the request's nlmsghdr (its payload
 *  omitted when NLM_F_CAPPED), then, when NLM_F_ACK_TLVS, attributes such as NLMSGERR_ATTR_MSG.
 * </pre>
 */
final class NetlinkMessage {
    static final int HEADER_BYTES = 16;
    static final int LENGTH_OFFSET = 0;
    static final int TYPE_OFFSET = 4;
    static final int FLAGS_OFFSET = 6;
    static final int SEQ_OFFSET = 8;
    static final int PORT_OFFSET = 12;

    static final int ATTRIBUTE_HEADER_BYTES = 4;

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** In an NLMSG_ERROR: the echoed request carries its header only. */
    static final int NLM_F_CAPPED = 0x100;
    /** In an NLMSG_ERROR: extended-ack attributes follow the echoed request. */
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;

    private NetlinkMessage() {
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }

    /** Writes a header at {@code dst.position()} with the length left 0; returns where it starts. */
    static int begin(ByteBuffer dst, int type, int flags, int seq) {
        int start = dst.position();
        dst.putInt(0);
        dst.putShort((short) type);
        dst.putShort((short) flags);
        dst.putInt(seq);
        dst.putInt(0);
        return start;
    }

    /** Writes the message length (everything since {@code start}) into its header. */
    static void end(ByteBuffer dst, int start) {
        dst.putInt(start + LENGTH_OFFSET, dst.position() - start);
    }

    static void putAttribute(ByteBuffer dst, int type, byte[] value) {
        int length = ATTRIBUTE_HEADER_BYTES + value.length;
        dst.putShort((short) length);
        dst.putShort((short) type);
        dst.put(value);
        pad(dst, align(length) - length);
    }

    /** A NUL-terminated string attribute, as IFLA_IFNAME. */
    static void putStringAttribute(ByteBuffer dst, int type, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[text.length + 1];
        System.arraycopy(text, 0, terminated, 0, text.length);
        putAttribute(dst, type, terminated);
    }

    private static void pad(ByteBuffer dst, int count) {
        for (int i = 0; i < count; i++) {
            dst.put((byte) 0);
        }
    }

    static int length(ByteBuffer src, int message) {
        return src.getInt(message + LENGTH_OFFSET);
    }

    static int type(ByteBuffer src, int message) {
        return src.getShort(message + TYPE_OFFSET) & 0xFFFF;
    }

    static int flags(ByteBuffer src, int message) {
        return src.getShort(message + FLAGS_OFFSET) & 0xFFFF;
    }

    static int seq(ByteBuffer src, int message) {
        return src.getInt(message + SEQ_OFFSET);
    }

    /** The error field of an NLMSG_ERROR (0 for an ack, else -errno), or of an NLMSG_DONE. */
    static int errorCode(ByteBuffer src, int message) {
        return length(src, message) >= HEADER_BYTES + 4 ? src.getInt(message + HEADER_BYTES) : 0;
    }

    /** The kernel's extended-ack message of an NLMSG_ERROR, or null if it sent none. */
    static String extendedAckMessage(ByteBuffer src, int message) {
        int flags = flags(src, message);
        if ((flags & NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        int echoed = message + HEADER_BYTES + 4;
        int end = message + length(src, message);
        if (echoed + HEADER_BYTES > end) {
            return null;
        }
        int attributes = (flags & NLM_F_CAPPED) != 0
                ? echoed + HEADER_BYTES
                : echoed + align(length(src, echoed));
        int value = findAttribute(src, attributes, end, NLMSGERR_ATTR_MSG);
        return value < 0 ? null : string(src, value, attributeValueLength(src, value));
    }

    /**
     * Offset of the value of the first attribute of {@code type} between {@code from} and
     * {@code to}, or -1. Malformed attributes end the search.
     */
    static int findAttribute(ByteBuffer src, int from, int to, int type) {
        int at = from;
        while (at + ATTRIBUTE_HEADER_BYTES <= to) {
            int length = src.getShort(at) & 0xFFFF;
            if (length < ATTRIBUTE_HEADER_BYTES || at + length > to) {
                return -1;
            }
            // NLA_F_NESTED and NLA_F_NET_BYTEORDER live in the top two bits of the type.
            if ((src.getShort(at + 2) & 0x3FFF) == type) {
                return at + ATTRIBUTE_HEADER_BYTES;
            }
            at += align(length);
        }
        return -1;
    }

    static int attributeValueLength(ByteBuffer src, int value) {
        return (src.getShort(value - ATTRIBUTE_HEADER_BYTES) & 0xFFFF) - ATTRIBUTE_HEADER_BYTES;
    }

    static byte[] bytes(ByteBuffer src, int offset, int length) {
        byte[] value = new byte[length];
        src.get(offset, value);
        return value;
    }

    /** A string value up to its NUL terminator. */
    static String string(ByteBuffer src, int offset, int length) {
        int end = offset;
        while (end < offset + length && src.get(end) != 0) {
            end++;
        }
        return new String(bytes(src, offset, end - offset), StandardCharsets.UTF_8);
    }
}
