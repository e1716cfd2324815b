package io.tandem.linux;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Byte layout of the rtnetlink neighbour messages: RTM_GETNEIGH for one address on one
 * interface, RTM_NEWNEIGH with {@code NTF_USE} to make the kernel resolve one. Pure functions;
 * no I/O.
 *
 * <pre>
 *  nlmsghdr (16) | ndmsg (12)                                              | rtattrs
 *                 0        1     2      4         8       10      11
 *                 +--------+-----+------+---------+-------+-------+------+
 *                 | family | pad | pad2 | ifindex | state | flags | type |   NDA_DST, NDA_LLADDR
 *                 +--------+-----+------+---------+-------+-------+------+
 * </pre>
 */
final class NeighbourMessage {
    static final int RTM_NEWNEIGH = 28;
    static final int RTM_GETNEIGH = 30;
    static final int NDMSG_BYTES = 12;
    static final int IFINDEX_OFFSET = 4;
    static final int STATE_OFFSET = 8;
    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;
    static final int NTF_USE = 0x01;
    /** NLM_F_REPLACE: update an existing entry rather than fail with EEXIST. */
    static final int NLM_F_REPLACE = 0x100;

    private NeighbourMessage() {
    }

    /** RTM_GETNEIGH for {@code address} on {@code ifIndex}; ENOENT if the kernel holds none. */
    static void writeGet(ByteBuffer dst, int seq, int ifIndex, InetAddress address) {
        int start = NetlinkMessage.begin(dst, RTM_GETNEIGH,
                NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, seq);
        writeNdMsg(dst, address, ifIndex, 0, 0);
        NetlinkMessage.putAttribute(dst, NDA_DST, address.getAddress());
        NetlinkMessage.end(dst, start);
    }

    /**
     * RTM_NEWNEIGH with NTF_USE: creates the entry if needed and starts resolution (an ARP
     * request or neighbour solicitation), as a packet routed to it would.
     */
    static void writeUse(ByteBuffer dst, int seq, int ifIndex, InetAddress address) {
        int start = NetlinkMessage.begin(dst, RTM_NEWNEIGH, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK
                | NetlinkMessage.NLM_F_CREATE | NLM_F_REPLACE, seq);
        writeNdMsg(dst, address, ifIndex, 0, NTF_USE);
        NetlinkMessage.putAttribute(dst, NDA_DST, address.getAddress());
        NetlinkMessage.end(dst, start);
    }

    private static void writeNdMsg(ByteBuffer dst, InetAddress address, int ifIndex, int state, int flags) {
        int family = address.getAddress().length == 4 ? LibC.AF_INET : LibC.AF_INET6;
        dst.put((byte) family).put((byte) 0).putShort((short) 0);
        dst.putInt(ifIndex);
        dst.putShort((short) state).put((byte) flags).put((byte) 0);
    }

    /** The entry an RTM_NEWNEIGH message describes, or null if it is not one. */
    static NeighbourEntry read(ByteBuffer src, int message, InetAddress address) {
        if (NetlinkMessage.type(src, message) != RTM_NEWNEIGH
                || NetlinkMessage.length(src, message) < NetlinkMessage.HEADER_BYTES + NDMSG_BYTES) {
            return null;
        }
        int body = message + NetlinkMessage.HEADER_BYTES;
        int ifIndex = src.getInt(body + IFINDEX_OFFSET);
        int state = src.getShort(body + STATE_OFFSET) & 0xFFFF;
        int end = message + NetlinkMessage.length(src, message);
        int value = NetlinkMessage.findAttribute(src, body + NDMSG_BYTES, end, NDA_LLADDR);
        byte[] mac = value < 0 ? null : NetlinkMessage.bytes(src, value, NetlinkMessage.attributeValueLength(src, value));
        return new NeighbourEntry(ifIndex, address, mac, state);
    }
}
