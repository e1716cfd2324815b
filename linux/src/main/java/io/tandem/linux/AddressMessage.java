package io.tandem.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Byte layout of rtnetlink address messages (RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR). Pure
 * functions over buffers in native byte order; no I/O.
 *
 * <pre>
 *  nlmsghdr (16) | ifaddrmsg (8)                            | rtattrs
 *                 0        1          2       3       4
 *                 +--------+----------+-------+-------+--------+
 *                 | family | prefixlen| flags | scope | ifindex|   IFA_LOCAL, IFA_ADDRESS,
 *                 +--------+----------+-------+-------+--------+   IFA_BROADCAST, ...
 * </pre>
 *
 * <p>IPv4 addresses are sent as IFA_LOCAL and IFA_ADDRESS (equal: not point-to-point), with
 * IFA_BROADCAST for prefixes shorter than /31. IPv6 addresses are sent as IFA_ADDRESS with
 * IFA_F_NODAD, so they are usable at once instead of tentative for a second of DAD.
 */
final class AddressMessage {
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;

    static final int IFADDRMSG_BYTES = 8;
    static final int FAMILY_OFFSET = 0;
    static final int PREFIX_LENGTH_OFFSET = 1;
    static final int FLAGS_OFFSET = 2;
    static final int SCOPE_OFFSET = 3;
    static final int INDEX_OFFSET = 4;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_BROADCAST = 4;
    static final int IFA_F_NODAD = 0x02;

    private AddressMessage() {
    }

    /** RTM_NEWADDR that fails with EEXIST if the address is already there. */
    static void writeNewAddress(ByteBuffer dst, int seq, int ifIndex, InetAddress address, int prefixLength) {
        writeAddress(dst, RTM_NEWADDR,
                NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK
                        | NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL,
                seq, ifIndex, address, prefixLength, true);
    }

    /** RTM_DELADDR; the kernel answers EADDRNOTAVAIL if the address is not there. */
    static void writeDeleteAddress(ByteBuffer dst, int seq, int ifIndex, InetAddress address, int prefixLength) {
        writeAddress(dst, RTM_DELADDR, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK,
                seq, ifIndex, address, prefixLength, false);
    }

    /** RTM_GETADDR dump of every address of every family. */
    static void writeDumpRequest(ByteBuffer dst, int seq) {
        int start = NetlinkMessage.begin(dst, RTM_GETADDR,
                NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, seq);
        dst.put((byte) LibC.AF_UNSPEC).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0);
        NetlinkMessage.end(dst, start);
    }

    private static void writeAddress(ByteBuffer dst, int type, int flags, int seq, int ifIndex,
                                     InetAddress address, int prefixLength, boolean adding) {
        boolean v4 = address instanceof Inet4Address;
        int maxPrefix = v4 ? 32 : 128;
        if (prefixLength < 0 || prefixLength > maxPrefix) {
            throw new IllegalArgumentException("prefixLength=" + prefixLength + " for "
                    + InetAddressText.of(address) + " must be 0.." + maxPrefix);
        }
        byte[] raw = address.getAddress();
        int start = NetlinkMessage.begin(dst, type, flags, seq);
        dst.put((byte) (v4 ? LibC.AF_INET : LibC.AF_INET6));
        dst.put((byte) prefixLength);
        dst.put((byte) (v4 || !adding ? 0 : IFA_F_NODAD));
        dst.put((byte) 0); // RT_SCOPE_UNIVERSE
        dst.putInt(ifIndex);
        if (v4) {
            NetlinkMessage.putAttribute(dst, IFA_LOCAL, raw);
            NetlinkMessage.putAttribute(dst, IFA_ADDRESS, raw);
            if (adding && prefixLength < 31) {
                NetlinkMessage.putAttribute(dst, IFA_BROADCAST, broadcast(raw, prefixLength));
            }
        } else {
            NetlinkMessage.putAttribute(dst, IFA_ADDRESS, raw);
        }
        NetlinkMessage.end(dst, start);
    }

    /** The directed broadcast address of an IPv4 subnet: host bits all ones. */
    static byte[] broadcast(byte[] ipv4, int prefixLength) {
        int value = ((ipv4[0] & 0xFF) << 24) | ((ipv4[1] & 0xFF) << 16) | ((ipv4[2] & 0xFF) << 8) | (ipv4[3] & 0xFF);
        int hostMask = prefixLength == 0 ? -1 : (1 << (32 - prefixLength)) - 1;
        int b = value | hostMask;
        return new byte[] {(byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b};
    }

    /**
     * Reads one RTM_NEWADDR message of a dump.
     *
     * @return the entry with a null interface name (the message carries only the index), or null
     *     if the message is not an IPv4/IPv6 address
     */
    static InterfaceAddressEntry read(ByteBuffer src, int message) {
        int body = message + NetlinkMessage.HEADER_BYTES;
        int end = message + NetlinkMessage.length(src, message);
        if (NetlinkMessage.type(src, message) != RTM_NEWADDR || body + IFADDRMSG_BYTES > end) {
            return null;
        }
        int family = src.get(body + FAMILY_OFFSET) & 0xFF;
        int addressBytes = family == LibC.AF_INET ? 4 : family == LibC.AF_INET6 ? 16 : -1;
        if (addressBytes < 0) {
            return null;
        }
        int attributes = body + IFADDRMSG_BYTES;
        int value = NetlinkMessage.findAttribute(src, attributes, end, IFA_LOCAL);
        if (value < 0) {
            value = NetlinkMessage.findAttribute(src, attributes, end, IFA_ADDRESS);
        }
        if (value < 0 || NetlinkMessage.attributeValueLength(src, value) != addressBytes) {
            return null;
        }
        int ifIndex = src.getInt(body + INDEX_OFFSET);
        InetAddress address;
        try {
            address = InetAddress.getByAddress(NetlinkMessage.bytes(src, value, addressBytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + addressBytes + " bytes rejected", e);
        }
        return new InterfaceAddressEntry(ifIndex, null, address, src.get(body + PREFIX_LENGTH_OFFSET) & 0xFF);
    }
}
