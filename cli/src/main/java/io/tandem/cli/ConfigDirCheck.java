package io.tandem.cli;

import io.tandem.config.ClusterConfig;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import io.tandem.config.DirectorCfParser;
import io.tandem.config.NamedResourceSpec;
import io.tandem.config.ResourceGroupSpec;
import io.tandem.config.ResourceSpec;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Offline validation of a config directory with config's own parsers: ha.cf, authkeys and
 * haresources through {@link ConfigLoader} (what tandemd loads), then each director.cf that
 * haresources names ({@code director} is {@code DIR/director.cf}, {@code ldirectord::FILE} is
 * {@code DIR/FILE}, as tandemd resolves them), or {@code DIR/director.cf} when it exists and
 * nothing names it.
 *
 * <p>tandemd's start-up check does more than this, and that part lives in the daemon: it converts
 * director.cf into the forwarding engine's model (refusing, for example, firewall-mark services)
 * and looks for the scripts of named resources. Those need the daemon's code and the host.
 */
final class ConfigDirCheck {
    /** What a check found: error messages (file:line: problem) and warnings, both without duplicates. */
    record Result(List<String> errors, List<String> warnings) {
        boolean valid() {
            return errors.isEmpty();
        }
    }

    private ConfigDirCheck() {
    }

    /** Checks {@code dir} as each of {@code nodes} (a shared directory is valid for both directors). */
    static Result check(Path dir, List<String> nodes, Predicate<InetAddress> isLocalAddress) {
        Set<String> errors = new LinkedHashSet<>();
        Set<String> warnings = new LinkedHashSet<>();
        Set<Path> directorFiles = new LinkedHashSet<>();
        boolean loaded = false;
        for (String node : nodes) {
            try {
                ClusterConfig config = ConfigLoader.load(dir, node, isLocalAddress);
                loaded = true;
                warnings.addAll(config.warnings());
                directorFiles.addAll(directorFiles(dir, config.groups()));
            } catch (ConfigException e) {
                errors.add(e.getMessage());
            }
        }
        Path defaultFile = dir.resolve("director.cf");
        if ((!loaded || directorFiles.isEmpty()) && Files.exists(defaultFile)) {
            directorFiles.add(defaultFile);
        }
        for (Path f : directorFiles) {
            try {
                DirectorCfParser.load(f);
            } catch (ConfigException e) {
                errors.add(e.getMessage());
            }
        }
        return new Result(List.copyOf(errors), List.copyOf(warnings));
    }

    static List<Path> directorFiles(Path dir, List<ResourceGroupSpec> groups) {
        List<Path> out = new ArrayList<>();
        for (ResourceGroupSpec g : groups) {
            for (ResourceSpec r : g.resources()) {
                if (r instanceof NamedResourceSpec named
                        && (named.name().equals("director") || named.name().equals("ldirectord"))) {
                    out.add(named.args().isEmpty() ? dir.resolve("director.cf") : dir.resolve(named.args().get(0)));
                }
            }
        }
        return out;
    }
}
