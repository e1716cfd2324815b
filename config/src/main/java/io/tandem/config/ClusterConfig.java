package io.tandem.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything loaded from one config directory, validated.
 *
 * @param digest   SHA-256 over the normalised ha.cf and haresources, so two nodes can tell when
 *                 their configs differ (authkeys is not part of it)
 * @param warnings things that load but deserve a word in the log, each prefixed with file:line
 */
public record ClusterConfig(
        Path directory,
        HaConfig ha,
        AuthKeys authKeys,
        List<ResourceGroupSpec> groups,
        byte[] digest,
        List<String> warnings) {
    public ClusterConfig {
        groups = List.copyOf(groups);
        warnings = List.copyOf(warnings);
    }
}
