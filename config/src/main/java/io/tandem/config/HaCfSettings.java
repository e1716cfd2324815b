package io.tandem.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values read from ha.cf, each with the line it came from. {@link #conclude} applies the
 * defaults and is the one place where values are checked against each other.
 */
final class HaCfSettings {
    static final String DEFAULT_CLUSTER_NAME = "tandem";
    static final int DEFAULT_UDP_PORT = 694;
    static final Duration DEFAULT_KEEPALIVE = Duration.ofMillis(200);
    static final Duration DEFAULT_DEADTIME = Duration.ofSeconds(1);
    static final boolean DEFAULT_AUTO_FAILBACK = false;
    static final int DEFAULT_GARP_COUNT = 5;
    static final Duration DEFAULT_GARP_INTERVAL = Duration.ofMillis(200);

    private record Setting(Object value, int line) {
    }

    private final Path file;
    private final Map<String, Setting> settings = new HashMap<>();
    private final Map<String, Integer> nodeLines = new LinkedHashMap<>();
    private final List<Medium> media = new ArrayList<>();
    private final List<FailoverPolicy.PingGroup> pingGroups = new ArrayList<>();
    /** Each medium's identity (what tells it apart on receive) and the line that listed it first. */
    private final Map<String, Integer> mediumLines = new HashMap<>();
    private int ucastLinesSeen;
    private int lastUcastLine;

    HaCfSettings(Path file) {
        this.file = file;
    }

    /** Records a directive that may appear only once; a null value (as {@code logfacility none}) counts as set. */
    void set(String key, Object value, int line) throws ConfigException {
        Setting first = settings.putIfAbsent(key, new Setting(value, line));
        if (first != null) {
            throw new ConfigException(file, line, key + " is set twice (first on line " + first.line() + ")");
        }
    }

    void addNode(String name, int line) throws ConfigException {
        Integer first = nodeLines.putIfAbsent(name, line);
        if (first != null) {
            throw new ConfigException(file, line, "node " + name + " is listed twice (first on line " + first + ")");
        }
    }

    /** Counts a ucast line; {@code medium} is null when the line names one of this node's own addresses. */
    void addUcast(UcastMedium medium, int line) throws ConfigException {
        ucastLinesSeen++;
        lastUcastLine = line;
        if (medium != null) {
            addMedium(medium);
        }
    }

    /**
     * Adds a medium unless one that the receiver could not tell apart from it is listed already:
     * ucast media are told apart by the peer address they name (the datagram's source), bcast
     * media by device, mcast media by device, group and port.
     */
    void addMedium(Medium medium) throws ConfigException {
        String identity;
        String shown;
        if (medium instanceof UcastMedium u) {
            identity = "ucast " + u.peer().getHostAddress();
            shown = "ucast ip=" + u.peer().getHostAddress();
        } else if (medium instanceof BcastMedium b) {
            identity = b.name();
            shown = "bcast device=" + b.device();
        } else {
            identity = medium.name();
            shown = medium.name();
        }
        Integer first = mediumLines.putIfAbsent(identity, medium.line());
        if (first != null) {
            throw new ConfigException(file, medium.line(), shown + " is listed twice (first on line " + first + ")"
                    + (medium instanceof UcastMedium ? "; the receiver tells ucast links apart by the peer address,"
                            + " so each ucast line must name a different one" : ""));
        }
        media.add(medium);
    }

    HaConfig conclude(String nodeName) throws ConfigException {
        List<String> nodes = checkNodes(nodeName);
        checkMedia(nodes, nodeName);

        Duration keepalive = get("keepalive", Duration.class, DEFAULT_KEEPALIVE);
        Duration deadtime = get("deadtime", Duration.class, DEFAULT_DEADTIME);
        if (deadtime.compareTo(keepalive.multipliedBy(2)) <= 0) {
            throw fail("deadtime", "keepalive",
                    show("deadtime", deadtime) + " must be > 2 x " + show("keepalive", keepalive));
        }
        Duration warntime = get("warntime", Duration.class, defaultWarntime(keepalive, deadtime));
        if (warntime.compareTo(keepalive) < 0) {
            throw fail("warntime", "keepalive",
                    show("warntime", warntime) + " must be >= " + show("keepalive", keepalive));
        }
        if (warntime.compareTo(deadtime) >= 0) {
            throw fail("warntime", "deadtime",
                    show("warntime", warntime) + " must be < " + show("deadtime", deadtime));
        }
        Duration initdead = get("initdead", Duration.class, deadtime.multipliedBy(2));
        if (initdead.compareTo(deadtime) < 0) {
            throw fail("initdead", "deadtime",
                    show("initdead", initdead) + " must be >= " + show("deadtime", deadtime));
        }
        return new HaConfig(
                get("cluster", String.class, DEFAULT_CLUSTER_NAME),
                nodes,
                media,
                get("udpport", Integer.class, DEFAULT_UDP_PORT),
                keepalive,
                warntime,
                deadtime,
                initdead,
                get("auto_failback", Boolean.class, DEFAULT_AUTO_FAILBACK),
                get("garp_count", Integer.class, DEFAULT_GARP_COUNT),
                get("garp_interval", Duration.class, DEFAULT_GARP_INTERVAL),
                new FailoverPolicy(pingGroups,
                        get("ping_interval", Duration.class, FailoverPolicy.DEFAULT.pingInterval()),
                        commandOf("fence_command"),
                        commandOf("notify_command"),
                        get("auto_failback_delay", Duration.class, Duration.ZERO)),
                new LogSettings(get("logfacility", SyslogFacility.class, null),
                        get("logfile", Path.class, null),
                        get("debugfile", Path.class, null),
                        get("debug", Integer.class, 0)),
                get("metrics_address", java.net.InetSocketAddress.class, null));
    }

    @SuppressWarnings("unchecked")
    private List<String> commandOf(String key) {
        Setting setting = settings.get(key);
        return setting == null ? List.of() : (List<String>) setting.value();
    }

    /** A {@code ping} or {@code ping_group} entry; names must be unique. */
    void addPingGroup(FailoverPolicy.PingGroup group) throws ConfigException {
        for (FailoverPolicy.PingGroup g : pingGroups) {
            if (g.name().equals(group.name())) {
                throw new ConfigException(file, group.line(), "ping node " + group.name() + " is listed twice (first on line "
                        + g.line() + ")");
            }
        }
        pingGroups.add(group);
    }

    /** Half the deadtime, whole milliseconds, but never below keepalive. */
    static Duration defaultWarntime(Duration keepalive, Duration deadtime) {
        Duration half = Duration.ofMillis(deadtime.toMillis() / 2);
        return half.compareTo(keepalive) < 0 ? keepalive : half;
    }

    private List<String> checkNodes(String nodeName) throws ConfigException {
        List<String> nodes = List.copyOf(nodeLines.keySet());
        if (nodes.isEmpty()) {
            throw new ConfigException(file, 0, "no node line; list both directors: node NAME1 NAME2");
        }
        int firstLine = nodeLines.values().iterator().next();
        if (nodes.size() != 2) {
            int lastLine = nodeLines.get(nodes.get(nodes.size() - 1));
            throw new ConfigException(file, lastLine,
                    "nodes=" + nodes + " must list exactly 2 directors, found " + nodes.size());
        }
        if (!nodes.contains(nodeName)) {
            throw new ConfigException(file, firstLine, "this node=" + nodeName + " is not one of nodes=" + nodes
                    + "; pass --node " + nodes.get(0) + " or --node " + nodes.get(1) + " if the host name differs");
        }
        return nodes;
    }

    private void checkMedia(List<String> nodes, String nodeName) throws ConfigException {
        if (!media.isEmpty()) {
            return;
        }
        String peer = nodes.get(0).equals(nodeName) ? nodes.get(1) : nodes.get(0);
        String why = ucastLinesSeen == 0
                ? "there is no ucast, bcast or mcast line; add ucast DEV PEER_IP"
                : "every ucast line names an address of this node " + nodeName + "; add ucast DEV PEER_IP";
        throw new ConfigException(file, lastUcastLine, "no heartbeat medium reaches the peer " + peer + ": " + why);
    }

    private <T> T get(String key, Class<T> type, T fallback) {
        Setting setting = settings.get(key);
        return setting == null ? fallback : type.cast(setting.value());
    }

    /** {@code key=250ms}, marked when the value is a default so the reader knows it is not in the file. */
    private String show(String key, Duration value) {
        return key + "=" + Durations.format(value) + (settings.containsKey(key) ? "" : " (default)");
    }

    /** A failed cross-check, blamed on the line of the first key that is set in the file, else line 0. */
    private ConfigException fail(String key, String otherKey, String problem) {
        Setting blamed = settings.containsKey(key) ? settings.get(key) : settings.get(otherKey);
        return new ConfigException(file, blamed == null ? 0 : blamed.line(), problem);
    }
}
