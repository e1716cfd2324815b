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
 */
public record PeerReport(boolean leaving, Map<String, Claim> claims, long ackedClaimsVersion) {
    public PeerReport {
        claims = Map.copyOf(claims);
    }

    public Claim claim(String group) {
        return claims.getOrDefault(group, Claim.NONE);
    }
}
