package io.tandem.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses haresources: one resource group per line, {@code NODE RESOURCE...}, where NODE is the
 * ha.cf node that prefers the group. Group names and VIP addresses must be unique in the file.
 */
final class HaResourcesParser {
    private final Path file;
    private final List<String> nodes;
    private final List<String> warnings;
    private final Map<String, Integer> groupLines = new HashMap<>();
    private final Map<InetAddress, Integer> vipLines = new HashMap<>();

    private HaResourcesParser(Path file, List<String> nodes, List<String> warnings) {
        this.file = file;
        this.nodes = nodes;
        this.warnings = warnings;
    }

    /** The groups in file order; an empty file is no groups. */
    static List<ResourceGroupSpec> parse(Path file, List<ConfigLine> lines, List<String> nodes, List<String> warnings)
            throws ConfigException {
        HaResourcesParser parser = new HaResourcesParser(file, nodes, warnings);
        List<ResourceGroupSpec> groups = new ArrayList<>();
        for (ConfigLine line : lines) {
            groups.add(parser.onLine(line));
        }
        return groups;
    }

    private ResourceGroupSpec onLine(ConfigLine line) throws ConfigException {
        String node = line.directive();
        if (!nodes.contains(node)) {
            throw new ConfigException(file, line.number(), "node=" + node + " is not one of ha.cf's nodes=" + nodes);
        }
        if (line.args().isEmpty()) {
            throw new ConfigException(file, line.number(), "group of node " + node + " lists no resources");
        }
        ResourceParser resourceParser = new ResourceParser(file, line.number(), warnings);
        List<ResourceSpec> resources = new ArrayList<>();
        for (String word : line.args()) {
            resources.add(resourceParser.parse(word));
        }
        String name = groupName(resources.get(0));
        Integer first = groupLines.putIfAbsent(name, line.number());
        if (first != null) {
            throw new ConfigException(file, line.number(), "group " + name + " is already defined on line " + first);
        }
        for (ResourceSpec resource : resources) {
            if (resource instanceof VipSpec vip) {
                checkVipUnique(vip, line.number());
            }
        }
        return new ResourceGroupSpec(name, node, resources, line.number());
    }

    private void checkVipUnique(VipSpec vip, int line) throws ConfigException {
        Integer first = vipLines.putIfAbsent(vip.address(), line);
        if (first != null) {
            String where = first == line ? "earlier on this line" : "on line " + first;
            throw new ConfigException(file, line,
                    "VIP " + vip.address().getHostAddress() + " is already used " + where);
        }
    }

    /** A group is named after its first resource: the address of a VIP, else the resource's name. */
    static String groupName(ResourceSpec first) {
        return first instanceof VipSpec vip ? vip.address().getHostAddress() : ((NamedResourceSpec) first).name();
    }
}
