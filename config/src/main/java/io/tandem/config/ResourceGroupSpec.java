package io.tandem.config;

import java.util.List;

/**
 * One line of haresources: the node that prefers the group, then its resources, started left to
 * right and stopped right to left.
 *
 * @param name the group's name: the first resource's address for a VIP, else its name
 * @param line line number in haresources
 */
public record ResourceGroupSpec(String name, String preferredNode, List<ResourceSpec> resources, int line) {
    public ResourceGroupSpec {
        resources = List.copyOf(resources);
    }
}
