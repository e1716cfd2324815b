package io.tandem.linux;

import java.nio.ByteBuffer;

/**
 * Byte layout of the rtnetlink link messages Tandem uses to map names to indexes inside the
 * socket's own namespace (RTM_GETLINK by name, RTM_GETLINK dump). Pure functions; no I/O.
 *
 * <pre>
 *  nlmsghdr (16) | ifinfomsg (16)                                 | rtattrs
 *                 0        1     2       4         8       12
 *                 +--------+-----+-------+---------+-------+--------+
 *                 | family | pad | type  | ifindex | flags | change |   IFLA_IFNAME, ...
 *                 +--------+-----+-------+---------+-------+--------+
 * </pre>
 */
final class LinkMessage {
    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;

    static final int IFINFOMSG_BYTES = 16;
    static final int INDEX_OFFSET = 4;
    static final int IFLA_IFNAME = 3;

    private LinkMessage() {
    }

    /** RTM_GETLINK for one interface by name; the kernel answers ENODEV if there is none. */
    static void writeGetByName(ByteBuffer dst, int seq, String ifName) {
        int start = NetlinkMessage.begin(dst, RTM_GETLINK,
                NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, seq);
        writeIfInfo(dst, 0);
        NetlinkMessage.putStringAttribute(dst, IFLA_IFNAME, ifName);
        NetlinkMessage.end(dst, start);
    }

    /** RTM_GETLINK dump of every interface. */
    static void writeDumpRequest(ByteBuffer dst, int seq) {
        int start = NetlinkMessage.begin(dst, RTM_GETLINK,
                NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, seq);
        writeIfInfo(dst, 0);
        NetlinkMessage.end(dst, start);
    }

    private static void writeIfInfo(ByteBuffer dst, int ifIndex) {
        dst.put((byte) LibC.AF_UNSPEC).put((byte) 0).putShort((short) 0);
        dst.putInt(ifIndex).putInt(0).putInt(0);
    }

    /** The interface index of an RTM_NEWLINK message, or -1 if it is not one. */
    static int index(ByteBuffer src, int message) {
        if (NetlinkMessage.type(src, message) != RTM_NEWLINK
                || NetlinkMessage.length(src, message) < NetlinkMessage.HEADER_BYTES + IFINFOMSG_BYTES) {
            return -1;
        }
        return src.getInt(message + NetlinkMessage.HEADER_BYTES + INDEX_OFFSET);
    }

    /** The IFLA_IFNAME of an RTM_NEWLINK message, or null. */
    static String name(ByteBuffer src, int message) {
        if (index(src, message) < 0) {
            return null;
        }
        int attributes = message + NetlinkMessage.HEADER_BYTES + IFINFOMSG_BYTES;
        int end = message + NetlinkMessage.length(src, message);
        int value = NetlinkMessage.findAttribute(src, attributes, end, IFLA_IFNAME);
        return value < 0 ? null : NetlinkMessage.string(src, value, NetlinkMessage.attributeValueLength(src, value));
    }
}
