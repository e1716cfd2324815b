package io.tandem.heartbeat;

import java.util.Objects;

/**
 * What a node says about one resource group in its heartbeat. On the wire the three booleans are
 * one flags byte ({@link #HOLDING}, {@link #WANTS}, {@link #YIELDS}); any combination is legal
 * (a node that yields still holds the group until the peer has taken it).
 *
 * @param group   the resource group's name (1..64 bytes of UTF-8)
 * @param holding this node has the group's resources up
 * @param wants   the operator asked this node to take the group over: the peer should release it
 * @param yields  this node is standing by for the group (operator said standby): the peer should take it
 */
public record GroupClaim(String group, boolean holding, boolean wants, boolean yields) {
    /** Flag bit: the sender holds the group. */
    public static final int HOLDING = 1;
    /** Flag bit: the sender wants the group (takeover). */
    public static final int WANTS = 2;
    /** Flag bit: the sender yields the group (standby). */
    public static final int YIELDS = 4;
    /** Every flag bit this version of the protocol knows. */
    public static final int KNOWN_FLAGS = HOLDING | WANTS | YIELDS;

    /** Checks the group name: 1..64 bytes of UTF-8. */
    public GroupClaim {
        Objects.requireNonNull(group, "group");
        HeartbeatMessage.checkName("group", group);
    }

    /** The claim with this group name and wire flags; unknown bits must have been rejected by the caller. */
    static GroupClaim fromFlags(String group, int flags) {
        return new GroupClaim(group, (flags & HOLDING) != 0, (flags & WANTS) != 0, (flags & YIELDS) != 0);
    }

    /** This claim's flags byte. */
    public int flags() {
        return (holding ? HOLDING : 0) | (wants ? WANTS : 0) | (yields ? YIELDS : 0);
    }
}
