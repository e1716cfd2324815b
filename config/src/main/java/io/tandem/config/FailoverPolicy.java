package io.tandem.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The ha.cf directives that shape failover decisions beyond timing.
 *
 * @param pingNodes         {@code ping IP...} and {@code ping_group NAME IP...}: each entry counts
 *                          one point when any of its addresses answers ICMP echo
 * @param pingInterval      {@code ping_interval}, default 1 s; each probe waits at most this long
 * @param fenceCommand      {@code fence_command CMD [ARG...]}: run with the peer's name appended
 *                          before taking over from a peer that died without saying goodbye;
 *                          empty = no fencing
 * @param notifyCommand     {@code notify_command CMD [ARG...]}: run on every group transition
 *                          with GROUP STATE NODE REASON appended; empty = none
 * @param autoFailbackDelay {@code auto_failback_delay}: how long the preferred node must have been
 *                          back before auto_failback returns its groups (default 0)
 */
public record FailoverPolicy(
        List<PingGroup> pingNodes,
        Duration pingInterval,
        List<String> fenceCommand,
        List<String> notifyCommand,
        Duration autoFailbackDelay) {

    public static final FailoverPolicy DEFAULT =
            new FailoverPolicy(List.of(), Duration.ofSeconds(1), List.of(), List.of(), Duration.ZERO);

    public FailoverPolicy {
        pingNodes = List.copyOf(pingNodes);
        fenceCommand = List.copyOf(fenceCommand);
        notifyCommand = List.copyOf(notifyCommand);
    }

    /** One ping entry: a lone {@code ping} address (named by itself) or a {@code ping_group}. */
    public record PingGroup(String name, List<InetAddress> addresses, int line) {
        public PingGroup {
            addresses = List.copyOf(addresses);
        }
    }
}
