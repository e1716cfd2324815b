/**
 * The forwarding engine's core, without packets: virtual services and real servers, the IPVS
 * schedulers, persistence, the connection table, and the per-packet decision.
 *
 * <h2>Types</h2>
 * <ul>
 *   <li>Configuration, immutable and validated: {@link io.tandem.director.VirtualService},
 *       {@link io.tandem.director.RealServer}, {@link io.tandem.director.Persistence},
 *       {@link io.tandem.director.ForwardingMethod}, {@link io.tandem.director.Protocol},
 *       {@link io.tandem.director.sched.SchedulerSpec}.</li>
 *   <li>Run time: {@link io.tandem.director.ServiceTable} (services and servers, numbered),
 *       {@link io.tandem.director.VirtualServiceState}, {@link io.tandem.director.RealServerState}
 *       (weight, membership, counters), {@link io.tandem.director.conn.ConnectionTable}.</li>
 *   <li>Per packet: {@link io.tandem.director.ForwardingEngine}, answering with a real server id
 *       or a {@link io.tandem.director.Verdict}.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * One forwarding thread owns a {@code ForwardingEngine} with its service table and connection
 * table, and is the only thread that mutates any of them: packets, timer ticks, health-check
 * verdicts ({@code VirtualServiceState.onHealthChanged}), operator weight changes and sync input
 * all run on it (other threads hand it work through its queue). Nothing on the packet path
 * locks or allocates. Counters and weights in {@code RealServerState} and the engine's drop
 * counters are published with opaque stores and may be read from any thread.
 *
 * <h2>Addresses</h2>
 * Addresses travel as two longs, IPv4 in its IPv4-mapped form ({@link io.tandem.director.IpAddresses}).
 */
package io.tandem.director;
