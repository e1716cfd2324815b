/**
 * The heartbeat: signed UDP datagrams between the two directors, on every medium of ha.cf at
 * once, and the verdicts drawn from them.
 * <pre>
 *   wire       HeartbeatCodec (format v2, HMAC via config.Hmac/SigningKey), HeartbeatMessage, GroupClaim
 *   sockets    HeartbeatTransport (send, reload), MediumSockets (ucast / bcast / mcast, SO_BINDTODEVICE)
 *   receive    HeartbeatReceiver: link of the datagram, verify, replay or copy, deliver once
 *   verdicts   PeerLiveness (the peer: alive while any link hears it)
 *              PeerLinks + SequenceWindow (each link: up/down, loss, round-trip time)
 *              StallDetector (this process was asleep: no verdict until the socket is drained)
 *   state      ReplayGuard, GenerationStore, HeartbeatCounters
 * </pre>
 * One heartbeat travels on every link; it is delivered to the failover layer once and counted as
 * heard on each link it reached ({@link io.tandem.heartbeat.PeerLinks} explains why and how a copy
 * is told from a replay). Everything that judges runs on the transport's event loop and reads no
 * clock of its own.
 */
package io.tandem.heartbeat;
