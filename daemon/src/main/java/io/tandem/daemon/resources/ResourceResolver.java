package io.tandem.daemon.resources;

import io.tandem.config.NamedResourceSpec;
import io.tandem.failover.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what runs a named haresources resource, in Heartbeat's order: a {@code resource.d} script
 * (Tandem's own directory, then Heartbeat's {@code /etc/ha.d/resource.d}), an LSB init script in
 * {@code /etc/init.d}, a systemd unit. {@code NAME::A::B} passes A and B to a resource.d script
 * before the action word, as Heartbeat did.
 */
public final class ResourceResolver {
    /** Start and stop of a service may take a while (a mail server flushing queues); status should not. */
    static final long ACTION_TIMEOUT_MILLIS = 120_000;

    private final List<Path> resourceDirs;
    private final Path initDir;
    private final Path systemdRunDir;

    public ResourceResolver(Path configDir) {
        this(List.of(configDir.resolve("resource.d"), Path.of("/etc/ha.d/resource.d")), Path.of("/etc/init.d"),
                Path.of("/run/systemd/system"));
    }

    ResourceResolver(List<Path> resourceDirs, Path initDir, Path systemdRunDir) {
        this.resourceDirs = List.copyOf(resourceDirs);
        this.initDir = initDir;
        this.systemdRunDir = systemdRunDir;
    }

    /**
     * The resource for {@code spec}, or throws naming where it looked.
     *
     * @throws IllegalArgumentException with an operator-facing reason (no file:line; the caller adds it)
     */
    public Resource resolve(NamedResourceSpec spec) {
        String name = spec.name();
        for (Path dir : resourceDirs) {
            Path script = dir.resolve(name);
            if (Files.isRegularFile(script)) {
                if (!Files.isExecutable(script)) {
                    throw new IllegalArgumentException("resource script " + script + " is not executable (chmod +x)");
                }
                List<String> prefix = new ArrayList<>();
                prefix.add(script.toString());
                prefix.addAll(spec.args());
                return CommandResource.withActionLast(spec.text(), prefix, "start", "stop", "status", ACTION_TIMEOUT_MILLIS);
            }
        }
        if (!spec.args().isEmpty()) {
            throw new IllegalArgumentException("resource '" + spec.text() + "' has arguments, so it needs a script "
                    + name + " in " + resourceDirs + "; none is there");
        }
        Path init = initDir.resolve(name);
        if (Files.isRegularFile(init) && Files.isExecutable(init)) {
            return CommandResource.withActionLast(spec.text(), List.of(init.toString()), "start", "stop", "status",
                    ACTION_TIMEOUT_MILLIS);
        }
        if (Files.isDirectory(systemdRunDir)) {
            String unit = name.contains(".") ? name : name + ".service";
            return new CommandResource(spec.text(), List.of("systemctl", "start", unit), List.of("systemctl", "stop", unit),
                    List.of("systemctl", "is-active", "--quiet", unit), ACTION_TIMEOUT_MILLIS);
        }
        throw new IllegalArgumentException("resource '" + name + "' not found: no script in " + resourceDirs
                + ", no " + init + ", and systemd is not running");
    }
}
