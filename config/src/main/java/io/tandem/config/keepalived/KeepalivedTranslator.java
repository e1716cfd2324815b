package io.tandem.config.keepalived;

import io.tandem.config.ConfigException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a parsed keepalived.conf (the file of one of the two directors) into Tandem's ha.cf,
 * haresources and director.cf, for the common subset of keepalived:
 *
 * <pre>
 *   vrrp_instance / vrrp_sync_group  -> one haresources group (IPaddr2/IPv6addr VIPs [+ director])
 *   state MASTER (else the peer)     -> the group's preferred node
 *   advert_int T                     -> keepalive T, deadtime 3 x T (VRRP's master down interval)
 *   nopreempt / preempt_delay        -> auto_failback off / auto_failback_delay
 *   unicast_src_ip, unicast_peer     -> ucast lines (multicast VRRP: bcast on the interface)
 *   authentication                   -> a fresh sha256 key (see KeepalivedTranslation)
 *   virtual_server                   -> director.cf virtual= block ({@link LvsTranslator})
 * </pre>
 *
 * keepalived has no node names, so the caller names this director and its peer. Anything else
 * is listed in {@link KeepalivedTranslation#untranslated()}, one line per statement. Values
 * keepalived itself would refuse are {@link ConfigException}s naming file and line.
 */
public final class KeepalivedTranslator {
    static final Duration DEFAULT_ADVERT_INT = Duration.ofSeconds(1);
    private static final int DEADTIME_ADVERTS = 3;
    /** Statements of a vrrp_instance that this class handles itself. */
    private static final Set<String> INSTANCE_KEYWORDS = Set.of("state", "interface", "priority", "advert_int",
            "nopreempt", "preempt", "preempt_delay", "virtual_ipaddress", "virtual_ipaddress_excluded",
            "unicast_src_ip", "unicast_peer", "authentication", "virtual_router_id", "garp_master_repeat",
            "garp_interval");

    private final Path source;
    private final String node;
    private final String peer;
    private final List<String> untranslated = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();
    private final List<KeepalivedNode> syncGroups = new ArrayList<>();
    private final List<KeepalivedNode> virtualServers = new ArrayList<>();
    private Integer garpCount;
    private Duration garpInterval;

    /** A VIP as haresources writes it, and its address. */
    record Vip(String resource, InetAddress address, KeepalivedNode statement) {
    }

    /** What one vrrp_instance says. */
    record Instance(String name, KeepalivedNode statement, boolean master, String iface, Duration advertInt,
            boolean preempt, Duration preemptDelay, List<Vip> vips, InetAddress unicastSrc,
            List<InetAddress> unicastPeers) {
    }

    /** One haresources line in the making: instances that fail over together. */
    record Group(String name, List<Instance> instances) {
        List<Vip> vips() {
            List<Vip> out = new ArrayList<>();
            instances.forEach(i -> out.addAll(i.vips()));
            return out;
        }
    }

    private KeepalivedTranslator(Path source, String node, String peer) {
        this.source = source;
        this.node = node;
        this.peer = peer;
    }

    /**
     * Translates {@code config}, read from {@code source} on director {@code node} whose peer is
     * {@code peer}.
     */
    public static KeepalivedTranslation translate(Path source, List<KeepalivedNode> config, String node, String peer)
            throws ConfigException {
        Objects.requireNonNull(source, "source");
        checkName(source, "node", node);
        checkName(source, "peer", peer);
        if (node.equals(peer)) {
            throw new ConfigException(source, 0, "node=" + node + " and peer=" + peer + " must differ");
        }
        return new KeepalivedTranslator(source, node, peer).run(config);
    }

    private static void checkName(Path source, String what, String name) throws ConfigException {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new ConfigException(source, 0, what + "=" + name
                    + " is not a node name (letters, digits, and _ . - after the first)");
        }
    }

    private KeepalivedTranslation run(List<KeepalivedNode> config) throws ConfigException {
        for (KeepalivedNode n : config) {
            switch (n.keyword()) {
                case "vrrp_instance" -> instances.add(instance(n));
                case "vrrp_sync_group" -> syncGroups.add(n);
                case "virtual_server" -> virtualServers.add(n);
                case "global_defs" -> n.children().forEach(c -> skip(c, c.keyword().equals("lvs_sync_daemon")
                        ? "Tandem replicates the connection table itself, both ways; nothing to configure"
                        : "global_defs setting with no Tandem equivalent"));
                case "vrrp_script" -> skip(n, "tracking scripts are not translated; for reachability use ha.cf "
                        + "ping/ping_group, for a local service a resource script in haresources");
                case "static_ipaddress", "static_routes", "static_rules" ->
                        skip(n, "static addresses/routes do not move; leave them to the host's network config");
                default -> skip(n, "no Tandem equivalent");
            }
        }
        if (instances.isEmpty()) {
            throw new ConfigException(source, 0, "no vrrp_instance: there is no VIP to fail over, so nothing to import");
        }
        List<Group> groups = groups();
        LvsTranslator lvs = new LvsTranslator(untranslated, notes);
        Map<String, String> directorFiles = new LinkedHashMap<>();
        Map<Group, String> directorResource = new LinkedHashMap<>();
        for (Map.Entry<Group, List<KeepalivedNode>> e : assign(groups).entrySet()) {
            String file = directorFiles.isEmpty() ? "director.cf" : "director-" + e.getKey().name() + ".cf";
            directorFiles.put(file, lvs.directorCf(source, e.getValue()));
            directorResource.put(e.getKey(), directorFiles.size() == 1 ? "director" : "ldirectord::" + file);
        }
        return new KeepalivedTranslation(haCf(), haresources(groups, directorResource), directorFiles, untranslated,
                notes);
    }

    private Instance instance(KeepalivedNode n) throws ConfigException {
        if (!n.block() || n.args().size() != 1) {
            throw new ConfigException(n.file(), n.line(), "vrrp_instance takes a name and a block: vrrp_instance NAME { ... }");
        }
        String state = "BACKUP";
        String iface = null;
        Duration advertInt = DEFAULT_ADVERT_INT;
        boolean preempt = true;
        Duration preemptDelay = Duration.ZERO;
        Integer priority = null;
        InetAddress unicastSrc = null;
        List<InetAddress> peers = new ArrayList<>();
        List<KeepalivedNode> vipLists = new ArrayList<>();
        for (KeepalivedNode c : n.children()) {
            switch (c.keyword()) {
                case "state" -> state = Values.onlyArg(c, "MASTER|BACKUP").toUpperCase(Locale.ROOT);
                case "interface" -> iface = Values.onlyArg(c, "IFNAME");
                case "priority" -> priority = Values.integer(c, Values.onlyArg(c, "1..255"), 1, 255);
                case "advert_int" -> advertInt = Values.timer(c, Values.onlyArg(c, "SECONDS"));
                case "nopreempt" -> preempt = false;
                case "preempt" -> preempt = true;
                case "preempt_delay" -> preemptDelay = Values.timer(c, Values.onlyArg(c, "SECONDS"));
                case "virtual_ipaddress", "virtual_ipaddress_excluded" -> vipLists.add(c);
                case "unicast_src_ip" -> unicastSrc = Values.address(c, "unicast_src_ip", Values.onlyArg(c, "IP"));
                case "unicast_peer" -> {
                    for (KeepalivedNode p : c.children()) {
                        peers.add(Values.address(p, "unicast_peer", p.keyword()));
                        p.args().stream().findFirst().ifPresent(a -> skip(p, "unicast_peer options are not used"));
                    }
                }
                case "authentication" -> note(c, "authentication: keepalived's auth_pass is not reused; authkeys "
                        + "gets a fresh sha256 key (HMAC over every heartbeat)");
                case "virtual_router_id" -> Values.integer(c, Values.onlyArg(c, "1..255"), 1, 255);
                case "garp_master_repeat" -> garpCount = Values.integer(c, Values.onlyArg(c, "COUNT"), 1, 100);
                case "garp_interval" -> garpInterval = Values.timer(c, Values.onlyArg(c, "SECONDS"));
                default -> skip(c, instanceSkipReason(c.keyword()));
            }
        }
        if (!state.equals("MASTER") && !state.equals("BACKUP")) {
            KeepalivedNode s = n.child("state");
            throw new ConfigException(s.file(), s.line(), "state=" + state + " must be MASTER or BACKUP");
        }
        if (iface == null) {
            throw new ConfigException(n.file(), n.line(), "vrrp_instance " + n.arg() + " has no interface");
        }
        List<Vip> vips = new ArrayList<>();
        for (KeepalivedNode list : vipLists) {
            for (KeepalivedNode v : list.children()) {
                vips.add(vip(v, iface));
            }
        }
        if (vips.isEmpty()) {
            throw new ConfigException(n.file(), n.line(), "vrrp_instance " + n.arg() + " has no virtual_ipaddress");
        }
        boolean master = state.equals("MASTER") || Integer.valueOf(255).equals(priority);
        note(n, "vrrp_instance " + n.arg() + ": state " + state + (priority == null ? "" : " priority " + priority)
                + " -> preferred node " + (master ? node : peer)
                + (master ? "" : " (keepalived.conf of the other director is taken to say MASTER)"));
        return new Instance(n.arg(), n, master, iface, advertInt, preempt, preemptDelay, vips, unicastSrc, peers);
    }

    private static String instanceSkipReason(String keyword) {
        if (keyword.startsWith("notify")) {
            return "notify scripts are not translated; ha.cf notify_command runs one command on every transition";
        }
        if (keyword.startsWith("track_")) {
            return "tracking is not translated; ha.cf ping/ping_group covers reachability";
        }
        return "no Tandem equivalent";
    }

    /** {@code ADDR[/PREFIX] [dev IF] [brd B] [label L] [scope S] ...} to an IPaddr2/IPv6addr resource. */
    private Vip vip(KeepalivedNode v, String iface) throws ConfigException {
        String[] parts = v.keyword().split("/", -1);
        if (parts.length > 2) {
            throw new ConfigException(v.file(), v.line(), "virtual_ipaddress " + v.keyword() + " must be ADDRESS[/PREFIX]");
        }
        InetAddress address = Values.address(v, "virtual_ipaddress", parts[0]);
        boolean v6 = address instanceof Inet6Address;
        int prefix = parts.length == 2 ? Values.integer(v, parts[1], 1, v6 ? 128 : 32) : v6 ? 128 : 32;
        String dev = iface;
        List<String> args = v.args();
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            if (option.equals("dev") && value != null) {
                dev = value;
                i++;
            } else if (Set.of("brd", "broadcast", "label", "scope").contains(option) && value != null) {
                skip(v, option + " " + value + " is dropped (the broadcast address follows from the prefix; Tandem sets"
                        + " no labels or scopes)");
                i++;
            } else {
                skip(v, "option '" + option + "' is dropped");
            }
        }
        String kind = v6 ? "IPv6addr" : "IPaddr2";
        return new Vip(kind + "::" + address.getHostAddress() + "/" + prefix + "/" + dev, address, v);
    }

    /** Instances of a vrrp_sync_group become one group; every other instance is a group of its own. */
    private List<Group> groups() throws ConfigException {
        Map<String, Instance> byName = new LinkedHashMap<>();
        for (Instance i : instances) {
            if (byName.putIfAbsent(i.name(), i) != null) {
                KeepalivedNode s = i.statement();
                throw new ConfigException(s.file(), s.line(), "vrrp_instance " + i.name() + " is defined twice");
            }
        }
        List<Group> groups = new ArrayList<>();
        Set<String> grouped = new LinkedHashSet<>();
        for (KeepalivedNode sg : syncGroups) {
            List<Instance> members = new ArrayList<>();
            for (KeepalivedNode c : sg.children()) {
                if (!c.keyword().equals("group")) {
                    skip(c, "vrrp_sync_group setting with no Tandem equivalent");
                    continue;
                }
                for (KeepalivedNode m : c.children()) {
                    List<String> names = new ArrayList<>(List.of(m.keyword()));
                    names.addAll(m.args());
                    for (String name : names) {
                        Instance i = byName.get(name);
                        if (i == null) {
                            throw new ConfigException(m.file(), m.line(), "vrrp_sync_group " + sg.arg()
                                    + " names vrrp_instance " + name + ", which is not defined");
                        }
                        if (!grouped.add(i.name())) {
                            throw new ConfigException(m.file(), m.line(), "vrrp_instance " + i.name()
                                    + " is in more than one vrrp_sync_group");
                        }
                        members.add(i);
                    }
                }
            }
            if (!members.isEmpty()) {
                groups.add(new Group(sg.arg(), members));
                for (Instance i : members) {
                    if (i.master() != members.get(0).master()) {
                        note(i.statement(), "vrrp_instance " + i.name() + " is preferred by another node than "
                                + members.get(0).name() + "; in sync group " + sg.arg() + " they move as one");
                    }
                }
            }
        }
        for (Instance i : instances) {
            if (!grouped.contains(i.name())) {
                groups.add(new Group(i.name(), List.of(i)));
            }
        }
        return groups;
    }

    /** Each virtual_server goes with the group holding its address; others with the first group. */
    private Map<Group, List<KeepalivedNode>> assign(List<Group> groups) {
        Map<Group, List<KeepalivedNode>> out = new LinkedHashMap<>();
        for (KeepalivedNode vs : virtualServers) {
            Group owner = null;
            InetAddress address = vs.args().isEmpty() ? null : Values.address(vs.args().get(0));
            for (Group g : groups) {
                for (Vip v : g.vips()) {
                    if (v.address().equals(address)) {
                        owner = g;
                    }
                }
            }
            if (owner == null) {
                owner = groups.get(0);
                note(vs, "virtual_server " + String.join(" ", vs.args()) + " is on no VIP of a vrrp_instance; it runs"
                        + " with group " + owner.name());
            }
            out.computeIfAbsent(owner, g -> new ArrayList<>()).add(vs);
        }
        return out;
    }

    private String haCf() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ha.cf: written by tandemctl import-keepalived from ").append(source).append('\n');
        sb.append("# The same file serves both directors: each skips the ucast line that names its own address.\n");
        sb.append("node ").append(node).append(' ').append(peer).append('\n');
        Instance fastest = instances.get(0);
        for (Instance i : instances) {
            if (i.advertInt().compareTo(fastest.advertInt()) < 0) {
                fastest = i;
            }
        }
        Duration keepalive = fastest.advertInt();
        sb.append("keepalive ").append(Values.haCfTime(keepalive)).append("   # advert_int of ").append(fastest.name())
                .append('\n');
        sb.append("deadtime ").append(Values.haCfTime(keepalive.multipliedBy(DEADTIME_ADVERTS)))
                .append("   # 3 x advert_int, like VRRP's master down interval\n");
        boolean preempt = instances.stream().allMatch(Instance::preempt);
        if (!preempt && instances.stream().anyMatch(Instance::preempt)) {
            note(instances.get(0).statement(), "some vrrp_instances preempt and some do not; ha.cf has one "
                    + "auto_failback for the pair: off");
        }
        sb.append("auto_failback ").append(preempt ? "on" : "off")
                .append(preempt ? "   # keepalived preempts unless nopreempt\n" : "   # nopreempt\n");
        Duration delay = instances.stream().map(Instance::preemptDelay).max(Duration::compareTo).orElse(Duration.ZERO);
        if (preempt && !delay.isZero()) {
            sb.append("auto_failback_delay ").append(Values.haCfTime(delay)).append("   # preempt_delay\n");
        }
        if (garpCount != null) {
            sb.append("garp_count ").append(garpCount).append("   # garp_master_repeat\n");
        }
        if (garpInterval != null && !garpInterval.isZero()) {
            sb.append("garp_interval ").append(Values.haCfTime(garpInterval)).append("   # garp_interval\n");
        }
        media(sb);
        return sb.toString();
    }

    private void media(StringBuilder sb) {
        Set<String> lines = new LinkedHashSet<>();
        Set<InetAddress> seen = new LinkedHashSet<>();
        for (Instance i : instances) {
            if (i.unicastPeers().isEmpty()) {
                lines.add("bcast " + i.iface() + "   # vrrp_instance " + i.name() + " used VRRP multicast");
                continue;
            }
            List<InetAddress> ends = new ArrayList<>();
            if (i.unicastSrc() != null) {
                ends.add(i.unicastSrc());
            } else {
                note(i.statement(), "vrrp_instance " + i.name() + " has no unicast_src_ip: ha.cf lists only the peer's "
                        + "address; add 'ucast " + i.iface() + " ADDRESS-OF-" + node + "' so " + peer
                        + " has a line naming " + node);
            }
            ends.addAll(i.unicastPeers());
            for (InetAddress a : ends) {
                if (seen.add(a)) {
                    lines.add("ucast " + i.iface() + " " + a.getHostAddress());
                }
            }
        }
        lines.forEach(l -> sb.append(l).append('\n'));
    }

    private String haresources(List<Group> groups, Map<Group, String> directorResource) {
        StringBuilder sb = new StringBuilder();
        sb.append("# haresources: written by tandemctl import-keepalived from ").append(source).append('\n');
        for (Group g : groups) {
            sb.append("# ").append(g.instances().size() == 1 ? "vrrp_instance " : "vrrp_sync_group ").append(g.name())
                    .append(" (").append(g.instances().get(0).statement().where()).append(")\n");
            sb.append(g.instances().get(0).master() ? node : peer);
            for (Vip v : g.vips()) {
                sb.append(' ').append(v.resource());
            }
            String director = directorResource.get(g);
            if (director != null) {
                sb.append(' ').append(director);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private void skip(KeepalivedNode n, String why) {
        untranslated.add(n.where() + ": " + n.text() + ": " + why);
    }

    private void note(KeepalivedNode n, String what) {
        notes.add(n.where() + ": " + what);
    }
}
