package io.tandem.failover;

import java.util.List;

/**
 * The engine's answer to a command: accepted (and which groups it affects) or refused with a
 * reason.
 */
public record CommandResult(boolean accepted, List<String> groups, String message) {
    public CommandResult {
        groups = List.copyOf(groups);
    }

    static CommandResult refused(String message) {
        return new CommandResult(false, List.of(), message);
    }
}
