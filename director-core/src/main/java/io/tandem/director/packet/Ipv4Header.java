package io.tandem.director.packet;

/**
 * Offsets in the IPv4 header (RFC 791), relative to its first byte.
 *
 * <pre>
 *  0       4       8              16      19                      31
 *  +-------+-------+--------------+-------+-----------------------+
 *  |version|  IHL  |  DSCP / ECN  |        total length           |   0
 *  +-------+-------+--------------+-------+-----------------------+
 *  |        identification        |flags  |   fragment offset     |   4
 *  +---------------+--------------+-------+-----------------------+
 *  |      TTL      |   protocol   |       header checksum         |   8
 *  +---------------+--------------+-------------------------------+
 *  |                       source address                         |  12
 *  +--------------------------------------------------------------+
 *  |                     destination address                      |  16
 *  +--------------------------------------------------------------+  20 (options up to 60)
 * </pre>
 */
public final class Ipv4Header {
    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;
    public static final int MIN_BYTES = 20;
    /** Don't Fragment, in the 16-bit flags/fragment word. */
    public static final int DF = 0x4000;
    /** More Fragments and the fragment offset: non-zero for any fragment. */
    public static final int MF_OR_OFFSET = 0x3FFF;
    /** IP protocol number of IPv4-in-IP (IPIP). */
    public static final int PROTOCOL_IPIP = 4;
    /** IP protocol number of IPv6-in-IP. */
    public static final int PROTOCOL_IPV6 = 41;
    /** TTL of the outer header of tunnelled packets (Linux's default). */
    public static final int DEFAULT_TTL = 64;

    private Ipv4Header() {
    }
}
