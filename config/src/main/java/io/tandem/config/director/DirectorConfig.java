package io.tandem.config.director;

import java.nio.file.Path;
import java.util.List;

/**
 * A parsed {@code director.cf} in ldirectord.cf syntax: the global directives and the virtual
 * services in file order.
 */
public record DirectorConfig(Path file, Globals globals, List<VirtualServiceSpec> services) {
    public DirectorConfig {
        services = List.copyOf(services);
    }
}
