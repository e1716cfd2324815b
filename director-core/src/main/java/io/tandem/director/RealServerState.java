package io.tandem.director;

/**
 * A real server at run time: its configuration, the weight and membership health checks and
 * operators set, and its counters (IPVS's {@code ip_vs_dest}).
 *
 * <p>Threading: the forwarding thread owns every field and is the only writer (health checks
 * and the control socket hand it their changes through its work queue). Numbers are published
 * with opaque stores, so any thread may read them at any time, without locks and without
 * allocation; a reader may see them a few packets late.
 */
public final class RealServerState {
    private static final int WEIGHT = 0;
    static final int LAST_WEIGHT = 1;
    static final int MEMBER = 2;
    static final int ACTIVE = 3;
    static final int INACTIVE = 4;
    private static final int PERSISTENT = 5;
    private static final int IN_PACKETS = 6;
    private static final int IN_BYTES = 7;
    private static final int OUT_PACKETS = 8;
    private static final int OUT_BYTES = 9;
    private static final int CONNECTIONS = 10;
    /** weight if a member, else 0: what schedulers read, kept so that a pick reads one number. */
    static final int SCHEDULING_WEIGHT = 11;
    /** director.cf's weight, as last (re)loaded: what a recovered server gets back. */
    private static final int CONFIGURED_WEIGHT = 12;
    /** 1 unless the last health verdict was "down". */
    private static final int HEALTHY = 13;
    private static final int COUNT = 14;

    private final int id;
    private final int serviceIndex;
    private final int index;
    private final RealServer config;
    private final boolean fallback;
    private final long addressHigh;
    private final long addressLow;
    private final OpaqueCounters numbers = new OpaqueCounters(COUNT);

    RealServerState(int id, int serviceIndex, int index, RealServer config, boolean fallback) {
        this.id = id;
        this.serviceIndex = serviceIndex;
        this.index = index;
        this.config = config;
        this.fallback = fallback;
        this.addressHigh = IpAddresses.high(config.address());
        this.addressLow = IpAddresses.low(config.address());
        numbers.set(MEMBER, 1);
        numbers.set(HEALTHY, 1);
        numbers.set(CONFIGURED_WEIGHT, config.weight());
        setWeight(config.weight());
    }

    /** Unique in the {@link ServiceTable}; what the forwarding engine returns for a packet. */
    public int id() {
        return id;
    }

    public int serviceIndex() {
        return serviceIndex;
    }

    /** Position among its service's real servers (-1 for the fallback server). */
    public int index() {
        return index;
    }

    public RealServer config() {
        return config;
    }

    public ForwardingMethod forwarding() {
        return config.forwarding();
    }

    public boolean isFallback() {
        return fallback;
    }

    public long addressHigh() {
        return addressHigh;
    }

    public long addressLow() {
        return addressLow;
    }

    public int port() {
        return config.port();
    }

    /** Current weight, whether or not a member. */
    public int weight() {
        return (int) numbers.get(WEIGHT);
    }

    /** Last weight above zero, kept while quiesced (0 if it never had one). */
    public int lastWeight() {
        return (int) numbers.get(LAST_WEIGHT);
    }

    /** False once taken out of the service; its connections still finish. */
    public boolean isMember() {
        return numbers.get(MEMBER) != 0;
    }

    /** The weight schedulers see: 0 unless a member. */
    public int schedulingWeight() {
        return (int) numbers.get(SCHEDULING_WEIGHT);
    }

    /** The weight director.cf gives it (after the last reload); {@link #weight()} may differ while it is down. */
    public int configuredWeight() {
        return (int) numbers.get(CONFIGURED_WEIGHT);
    }

    /** False while its health check says it is down. */
    public boolean isHealthy() {
        return numbers.get(HEALTHY) != 0;
    }

    public int activeConnections() {
        return (int) numbers.get(ACTIVE);
    }

    public int inactiveConnections() {
        return (int) numbers.get(INACTIVE);
    }

    /** Persistence templates pointing at this server. */
    public int persistentConnections() {
        return (int) numbers.get(PERSISTENT);
    }

    /** Connections ever scheduled to this server (new ones, not synced). */
    public long connections() {
        return numbers.get(CONNECTIONS);
    }

    public long inPackets() {
        return numbers.get(IN_PACKETS);
    }

    public long inBytes() {
        return numbers.get(IN_BYTES);
    }

    public long outPackets() {
        return numbers.get(OUT_PACKETS);
    }

    public long outBytes() {
        return numbers.get(OUT_BYTES);
    }

    /** A number as the forwarding thread last wrote it; that thread only (schedulers). */
    long plain(int number) {
        return numbers.plain(number);
    }

    void setWeight(int weight) {
        numbers.set(WEIGHT, weight);
        if (weight > 0) {
            numbers.set(LAST_WEIGHT, weight);
        }
        numbers.set(SCHEDULING_WEIGHT, isMember() ? weight : 0);
    }

    void setConfiguredWeight(int weight) {
        numbers.set(CONFIGURED_WEIGHT, weight);
    }

    void setHealthy(boolean healthy) {
        numbers.set(HEALTHY, healthy ? 1 : 0);
    }

    void setMember(boolean member) {
        numbers.set(MEMBER, member ? 1 : 0);
        numbers.set(SCHEDULING_WEIGHT, member ? weight() : 0);
    }

    void onConnectionAdded(boolean active) {
        numbers.add(active ? ACTIVE : INACTIVE, 1);
    }

    void onConnectionActivityChanged(boolean active) {
        numbers.add(ACTIVE, active ? 1 : -1);
        numbers.add(INACTIVE, active ? -1 : 1);
    }

    void onConnectionRemoved(boolean active) {
        numbers.add(active ? ACTIVE : INACTIVE, -1);
    }

    void onTemplateAdded(int delta) {
        numbers.add(PERSISTENT, delta);
    }

    void onScheduled() {
        numbers.add(CONNECTIONS, 1);
    }

    void onInbound(int bytes) {
        numbers.add(IN_PACKETS, 1);
        numbers.add(IN_BYTES, bytes);
    }

    void onOutbound(int bytes) {
        numbers.add(OUT_PACKETS, 1);
        numbers.add(OUT_BYTES, bytes);
    }

    @Override
    public String toString() {
        return config.label() + (fallback ? " (fallback)" : "") + " weight=" + weight()
                + (isMember() ? "" : " removed") + " active=" + activeConnections()
                + " inactive=" + inactiveConnections();
    }
}
