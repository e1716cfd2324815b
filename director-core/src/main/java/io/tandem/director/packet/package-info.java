/**
 * Frames on the wire: a flyweight parser of Ethernet / IPv4 / IPv6 / TCP / UDP
 * ({@link io.tandem.director.packet.PacketView}), the Internet checksum with completion of
 * partial checksums and RFC 1624 incremental updates ({@link io.tandem.director.packet.Checksums}),
 * and the rewrites of DR, NAT and TUN ({@link io.tandem.director.packet.PacketRewriter}). Every
 * header class names its offsets and draws its layout. Nothing here does I/O or allocates per
 * frame; buffers are big-endian views, usually of a memory-mapped receive ring.
 */
package io.tandem.director.packet;
