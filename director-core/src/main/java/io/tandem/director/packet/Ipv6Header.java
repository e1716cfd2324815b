package io.tandem.director.packet;

/**
 * Offsets in the IPv6 header (RFC 8200), relative to its first byte.
 *
 * <pre>
 *  0       4               12                                     31
 *  +-------+---------------+--------------------------------------+
 *  |version| traffic class |              flow label              |   0
 *  +-------+---------------+-------+--------------+---------------+
 *  |         payload length        |  next header |   hop limit   |   4
 *  +-------------------------------+--------------+---------------+
 *  |                 source address (16 bytes)                    |   8
 *  +--------------------------------------------------------------+
 *  |               destination address (16 bytes)                 |  24
 *  +--------------------------------------------------------------+  40
 * </pre>
 */
public final class Ipv6Header {
    public static final int VERSION_CLASS_FLOW = 0;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SOURCE = 8;
    public static final int DESTINATION = 24;
    public static final int BYTES = 40;
    /** Next header of the fragment extension header. */
    public static final int NEXT_FRAGMENT = 44;

    private Ipv6Header() {
    }
}
