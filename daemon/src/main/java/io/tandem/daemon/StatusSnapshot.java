package io.tandem.daemon;

import io.tandem.failover.GroupView;
import java.util.List;
import java.util.Map;

/**
 * What {@code tandemctl status} shows, taken in one go on the core loop. Serialised to JSON as is;
 * field names are part of the control protocol. Public for the metrics collector, which reads it
 * at every scrape.
 */
public record StatusSnapshot(
        String node,
        String state,
        boolean maintenance,
        long generation,
        String peerName,
        boolean peerAlive,
        String peerStatus,
        String peerReason,
        long peerLastHeardMillisAgo,
        long peerRoundTripMicros,
        String peerAddress,
        boolean peerConfigMatches,
        List<GroupView> groups,
        List<ResourceView> resources,
        Map<String, Long> heartbeat,
        long transitions,
        List<String> members,
        long membershipRejected,
        String membershipProblem,
        List<io.tandem.heartbeat.LinkStatus> links,
        long stalls,
        long longestStallMillis) {

    /** One resource and whether it is up on this node. */
    public record ResourceView(String group, String resource, boolean held) {
    }
}
