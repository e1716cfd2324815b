package io.tandem.director.packet;

/**
 * Offsets in the TCP (RFC 9293) and UDP (RFC 768) headers, relative to their first byte. The
 * ports are at the same place in both; so is everything the forwarder rewrites except the
 * checksum.
 *
 * <pre>
 *  TCP                                       UDP
 *  0           2           4                 0           2           4           6        8
 *  +-----------+-----------+--------         +-----------+-----------+-----------+--------+
 *  | src port  | dst port  | seq ...         | src port  | dst port  | length    |checksum|
 *  +-----------+-----------+--------         +-----------+-----------+-----------+--------+
 *  12: data offset (high 4 bits)  13: flags (CWR ECE URG ACK PSH RST SYN FIN)  16: checksum
 * </pre>
 */
public final class TransportHeader {
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int TCP_DATA_OFFSET = 12;
    public static final int TCP_FLAGS = 13;
    public static final int TCP_CHECKSUM = 16;
    public static final int TCP_MIN_BYTES = 20;
    public static final int UDP_LENGTH = 4;
    public static final int UDP_CHECKSUM = 6;
    public static final int UDP_BYTES = 8;
    public static final int TCP = 6;
    public static final int UDP = 17;

    private TransportHeader() {
    }

    /** Offset of the checksum field for {@code protocol} (TCP or UDP). */
    public static int checksumOffset(int protocol) {
        return protocol == TCP ? TCP_CHECKSUM : UDP_CHECKSUM;
    }
}
