package io.tandem.director;

import io.tandem.director.sched.MaglevScheduler;
import io.tandem.director.sched.Scheduler;
import io.tandem.director.sched.Schedulers;
import java.net.Inet4Address;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A virtual service at run time: its real servers' state, its scheduler, and the Maglev table
 * that answers for packets of connections the director does not know (IPVS's
 * {@code ip_vs_service}).
 *
 * <p>Threading: owned by the forwarding thread, like everything it holds; the weight and
 * membership setters are for that thread (health checks submit to it). Every setter rebuilds
 * what the scheduler derived from the weights, which allocates nothing for most schedulers and
 * refills a table for sh, dh and mh.
 */
public final class VirtualServiceState {
    private final VirtualService spec;
    private final int index;
    private final int protocol;
    private final long addressHigh;
    private final long addressLow;
    private final RealServerState[] servers;
    private final RealServerState fallback;
    private final Scheduler scheduler;
    private final MaglevScheduler midFlow;
    private final boolean midFlowIsScheduler;
    private final boolean persistent;
    private final long persistenceTimeoutNs;
    private final long persistenceMaskHigh;
    private final long persistenceMaskLow;

    VirtualServiceState(VirtualService spec, int index, int firstServerId) {
        this.spec = spec;
        this.index = index;
        this.protocol = spec.protocol().number();
        this.addressHigh = IpAddresses.high(spec.address());
        this.addressLow = IpAddresses.low(spec.address());
        List<RealServer> configured = spec.resolvedRealServers();
        servers = new RealServerState[configured.size()];
        for (int i = 0; i < servers.length; i++) {
            servers[i] = new RealServerState(firstServerId + i, index, i, configured.get(i), false);
        }
        fallback = spec.fallback() == null ? null
                : new RealServerState(firstServerId + servers.length, index, -1, spec.resolvedFallback(), true);
        ServerPool pool = new ServerPool(servers);
        scheduler = Schedulers.create(spec.scheduler(), pool);
        midFlowIsScheduler = scheduler instanceof MaglevScheduler;
        midFlow = midFlowIsScheduler ? (MaglevScheduler) scheduler
                : new MaglevScheduler(pool, spec.scheduler().maglevTableSize(), true, true);
        Persistence p = spec.persistence();
        persistent = p.isEnabled();
        persistenceTimeoutNs = p.timeout().toNanos();
        boolean ipv4 = spec.address() instanceof Inet4Address;
        int prefix = p.prefixLength() == Persistence.HOST ? (ipv4 ? 32 : 128) : p.prefixLength();
        persistenceMaskHigh = IpAddresses.maskHigh(ipv4, prefix);
        persistenceMaskLow = IpAddresses.maskLow(ipv4, prefix);
    }

    public VirtualService spec() {
        return spec;
    }

    /** Position in the {@link ServiceTable}. */
    public int index() {
        return index;
    }

    public int realServerCount() {
        return servers.length;
    }

    public RealServerState realServer(int i) {
        return servers[i];
    }

    public List<RealServerState> realServers() {
        return Collections.unmodifiableList(Arrays.asList(servers));
    }

    /** The fallback ("sorry") server, or null. */
    public RealServerState fallback() {
        return fallback;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Index of the real server at this address and port, or -1 (sync maps servers by address). */
    public int indexOf(long high, long low, int port) {
        for (int i = 0; i < servers.length; i++) {
            RealServerState s = servers[i];
            if (s.addressLow() == low && s.addressHigh() == high && s.port() == port) {
                return i;
            }
        }
        return -1;
    }

    /** Operator or health check: a new weight (0 quiesces; existing connections continue). */
    public void setWeight(int server, int weight) {
        if (weight < 0 || weight > RealServer.MAX_WEIGHT) {
            throw new IllegalArgumentException(servers[server].config().label() + " weight=" + weight
                    + " must be in [0, 65535]");
        }
        servers[server].setWeight(weight);
        onServersChanged();
    }

    /**
     * Reload: director.cf now gives the server {@code weight}. Applied at once unless its health
     * check has it down, in which case it is the weight it gets back on recovery.
     */
    public void setConfiguredWeight(int server, int weight) {
        if (weight < 0 || weight > RealServer.MAX_WEIGHT) {
            throw new IllegalArgumentException(servers[server].config().label() + " weight=" + weight
                    + " must be in [0, 65535]");
        }
        RealServerState s = servers[server];
        s.setConfiguredWeight(weight);
        if (s.isHealthy()) {
            s.setWeight(weight);
            onServersChanged();
        }
    }

    /**
     * Health check: takes a server out of the service or puts it back. A server out of the
     * service takes no new connections and leaves the hash tables; its connections continue.
     */
    public void setMember(int server, boolean member) {
        servers[server].setMember(member);
        onServersChanged();
    }

    /**
     * A health check's verdict, applied as ldirectord does: a failed server is quiesced
     * (weight 0) when the service is {@code quiescent}, else taken out; a recovered one gets
     * its configured weight back and is a member again.
     */
    public void onHealthChanged(int server, boolean up) {
        RealServerState s = servers[server];
        s.setHealthy(up);
        if (up) {
            s.setMember(true);
            s.setWeight(s.configuredWeight());
        } else if (spec.quiescent()) {
            s.setWeight(0);
        } else {
            s.setMember(false);
        }
        onServersChanged();
    }

    private void onServersChanged() {
        scheduler.onServersChanged();
        if (!midFlowIsScheduler) {
            midFlow.onServersChanged();
        }
    }

    int protocol() {
        return protocol;
    }

    long addressHigh() {
        return addressHigh;
    }

    long addressLow() {
        return addressLow;
    }

    int port() {
        return spec.port();
    }

    boolean isPersistent() {
        return persistent;
    }

    long persistenceTimeoutNs() {
        return persistenceTimeoutNs;
    }

    long persistenceMaskHigh() {
        return persistenceMaskHigh;
    }

    long persistenceMaskLow() {
        return persistenceMaskLow;
    }

    /** The scheduler's choice for a new connection, as a server id, or {@link Verdict#NO_SERVER}. */
    int schedule(long sourceHigh, long sourceLow, int sourcePort, long destinationHigh, long destinationLow) {
        int i = scheduler.pick(sourceHigh, sourceLow, sourcePort, destinationHigh, destinationLow);
        return i >= 0 ? servers[i].id() : Verdict.NO_SERVER;
    }

    /**
     * The server for a packet of a connection this director does not know, as a server id, or
     * {@link Verdict#NO_SERVER}: the Maglev choice over the servers of weight above zero, which
     * the peer director computes alike. Keyed as the service's own mh scheduler keys (so an mh
     * service's connections land where they were scheduled), else by the masked client address
     * for a persistent service, else by client address and port.
     */
    int scheduleMidFlow(long sourceHigh, long sourceLow, int sourcePort) {
        int i;
        if (midFlowIsScheduler) {
            i = midFlow.lookup(sourceHigh, sourceLow, midFlow.hashesPort() ? sourcePort : 0, true);
        } else if (persistent) {
            i = midFlow.lookup(sourceHigh & persistenceMaskHigh, sourceLow & persistenceMaskLow, 0, true);
        } else {
            i = midFlow.lookup(sourceHigh, sourceLow, sourcePort, true);
        }
        return i >= 0 ? servers[i].id() : Verdict.NO_SERVER;
    }

    @Override
    public String toString() {
        return spec.label() + " " + scheduler.name().ipvsName();
    }
}
