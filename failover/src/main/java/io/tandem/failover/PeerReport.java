package io.tandem.failover;

import java.util.Map;

/**
 * What the peer's latest authentic heartbeat said.
 *
 * @param leaving the peer is shutting down gracefully and has released everything
 * @param claims  per group name; a group the peer does not mention is {@link Claim#NONE}
 * @param ackedClaimsVersion the newest of our {@link FailoverEngine#claimsVersion()} the peer had
 *                seen when it sent this report: a report older than our latest claims must not
 *                make us start anything, or a node that just stood by would take the group straight
 *                back on a stale view of the peer
 * @param maintenance the peer is in maintenance mode
 * @param maintenanceEpoch how many times an operator switched maintenance on or off, cluster-wide;
 *                the node with the higher epoch has the newer word, so either node's switch wins
 * @param pingScore how many ping nodes (or groups) the peer reaches; compared with ours when ping
 *                nodes are configured
 */
public record PeerReport(boolean leaving, Map<String, Claim> claims, long ackedClaimsVersion, boolean maintenance,
        long maintenanceEpoch, int pingScore) {
    public PeerReport {
        claims = Map.copyOf(claims);
    }

    public PeerReport(boolean leaving, Map<String, Claim> claims, long ackedClaimsVersion, boolean maintenance,
            long maintenanceEpoch) {
        this(leaving, claims, ackedClaimsVersion, maintenance, maintenanceEpoch, 0);
    }

    /** A report from a peer that is not in maintenance and never was. */
    public PeerReport(boolean leaving, Map<String, Claim> claims, long ackedClaimsVersion) {
        this(leaving, claims, ackedClaimsVersion, false, 0, 0);
    }

    public Claim claim(String group) {
        return claims.getOrDefault(group, Claim.NONE);
    }
}
