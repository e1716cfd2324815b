package io.tandem.config;

import java.util.List;

/** Any other resource: {@code NAME[::ARG[::ARG...]]}, e.g. {@code director}, {@code ldirectord::director.cf}. */
public record NamedResourceSpec(String name, List<String> args, String text) implements ResourceSpec {
    public NamedResourceSpec {
        args = List.copyOf(args);
    }
}
