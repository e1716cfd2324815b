/**
 * The director's data path in user space (the kernels Tandem runs on may have no IPVS): the
 * forwarding loop and what it needs around the {@link io.tandem.director.ForwardingEngine}.
 *
 * <ul>
 *   <li>{@link io.tandem.director.forward.Forwarder}: start/stop, one thread reading the
 *       AF_PACKET rings of the clients' (and servers') interface, sending through TX rings,
 *       ticking the engine, resolving real servers' MACs; the daemon's {@code director}
 *       resource.</li>
 *   <li>{@link io.tandem.director.forward.ForwarderConfig}: interfaces, tunnel sources, MTU,
 *       table size, ring shape, timers.</li>
 *   <li>{@link io.tandem.director.forward.FrameProcessor}: one frame, no I/O: parse, decide,
 *       rewrite (DR, NAT both ways, TUN); what tests and benchmarks drive.</li>
 *   <li>{@link io.tandem.director.forward.KernelBypass}: the nftables table that keeps the
 *       kernel from also handling the forwarded traffic.</li>
 *   <li>{@link io.tandem.director.forward.ForwarderCounters}: outcomes and drop reasons.</li>
 * </ul>
 *
 * <p>Limits: receive offloads must be off on the interfaces (GRO merges segments into frames
 * larger than the MTU, which are not forwarded but counted as unforwardable); real servers must
 * be on the servers' link (their MAC comes from the neighbour table); IP fragments of a service
 * are not forwarded.
 */
package io.tandem.director.forward;
