package io.tandem.failover;

/** One change of a group's state, with why it happened. */
public record Transition(String group, GroupState from, GroupState to, long atNanos, long atEpochMillis, String reason) {
}
