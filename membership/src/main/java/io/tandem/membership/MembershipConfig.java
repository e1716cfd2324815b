package io.tandem.membership;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where this director's membership channel listens, whom it looks for, and the secret it proves
 * itself with.
 *
 * @param clusterName the JGroups cluster name; both directors must use the same one
 * @param nodeName this director's node name (ha.cf {@code node}); becomes the JGroups logical name
 * @param bindAddress the local address the TCP transport binds to
 * @param port the TCP port (ha.cf; {@link #DEFAULT_PORT} when not set). JGroups' socket failure
 *     detector listens on {@code port + 100} as well
 * @param peers {@code address:port} of every director, this one included or not (TCPPING's
 *     initial hosts); discovery only ever talks to these
 * @param secret the authkeys secret the channel's key is derived from ({@link ClusterKey})
 * @param joinTimeout how long a starting node looks for the other before it forms a cluster alone
 */
public record MembershipConfig(
        String clusterName,
        String nodeName,
        InetAddress bindAddress,
        int port,
        List<InetSocketAddress> peers,
        byte[] secret,
        Duration joinTimeout) {

    /** The membership port when ha.cf does not name one. */
    public static final int DEFAULT_PORT = 7694;
    /** Long enough for a peer on the same LAN to answer discovery, short enough not to delay a lone start. */
    public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofMillis(1500);

    static final int MAX_NODE_NAME_LENGTH = 64;

    public MembershipConfig {
        requireText("clusterName", clusterName, 200);
        requireText("nodeName", nodeName, MAX_NODE_NAME_LENGTH);
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("membership: port=" + port + " must be in 1..65535");
        }
        peers = List.copyOf(Objects.requireNonNull(peers, "peers"));
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("membership: peers is empty; list both directors' address:port");
        }
        for (InetSocketAddress peer : peers) {
            if (peer.isUnresolved()) {
                throw new IllegalArgumentException("membership: peer " + peer + " is unresolved; give an address");
            }
        }
        Objects.requireNonNull(secret, "secret");
        if (secret.length == 0) {
            throw new IllegalArgumentException("membership: secret is empty; it comes from authkeys");
        }
        secret = secret.clone();
        Objects.requireNonNull(joinTimeout, "joinTimeout");
        if (joinTimeout.isNegative() || joinTimeout.isZero() || joinTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException(
                    "membership: joinTimeout=" + joinTimeout.toMillis() + "ms must be in 1ms..60s");
        }
    }

    /** A copy: the caller cannot change the key under a running channel. */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public String toString() {
        return "MembershipConfig[clusterName=" + clusterName + ", nodeName=" + nodeName
                + ", bindAddress=" + bindAddress.getHostAddress() + ", port=" + port + ", peers=" + peers
                + ", secret=<hidden>, joinTimeout=" + joinTimeout.toMillis() + "ms]";
    }

    private static void requireText(String name, String value, int maxLength) {
        Objects.requireNonNull(value, name);
        if (value.isBlank() || value.length() > maxLength) {
            throw new IllegalArgumentException(
                    "membership: " + name + "='" + value + "' must be 1.." + maxLength + " characters, not blank");
        }
    }
}
