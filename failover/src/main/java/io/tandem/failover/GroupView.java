package io.tandem.failover;

/** A read-only picture of one group for status output. */
public record GroupView(
        String name,
        String preferredNode,
        GroupState state,
        long sinceEpochMillis,
        String reason,
        boolean wants,
        boolean yields) {
}
