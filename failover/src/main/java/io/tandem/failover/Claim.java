package io.tandem.failover;

/**
 * What one node says about one group in every heartbeat.
 *
 * @param holding the node has (some of) the group's resources up
 * @param wants   an operator asked this node to take the group: the holder should let go
 * @param yields  this node stands by for the group (operator standby, or a failed start): the
 *                other node should take it
 */
public record Claim(boolean holding, boolean wants, boolean yields) {
    public static final Claim NONE = new Claim(false, false, false);
}
