package io.tandem.director;

import io.tandem.director.conn.ConnectionListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The virtual services at run time and all their real servers, numbered: the table the
 * forwarding engine looks a packet's destination up in. Server ids run over every service's
 * real servers, then its fallback, service after service.
 *
 * <pre>
 *  service lookup: open addressing over (protocol, VIP, port), at most half full; a miss on
 *                  the port retries port 0 (IPVS's persistent all-ports service)
 *  NAT servers:    open addressing over (address, port) to the first server id there, chained
 *                  through nextSameAddress[] to the others (one server in several services)
 * </pre>
 *
 * Built from the configuration, grown by {@link #append} at a reload; lookups allocate nothing.
 * Owned by the forwarding thread; others may read services and servers for views.
 */
public final class ServiceTable {
    // Replaced together by append(), on the forwarding thread; other threads read them for views.
    private volatile VirtualServiceState[] services;
    private volatile RealServerState[] servers;
    private int[] serviceSlots;
    private int[] natSlots;
    private int[] nextSameAddress;
    private final ConnectionListener counts = new Counts();

    public ServiceTable(List<VirtualService> specs) {
        services = new VirtualServiceState[0];
        servers = new RealServerState[0];
        append(specs);
    }

    /**
     * Adds services after the existing ones (a reload): existing services keep their index and
     * their servers keep their ids, numbers and state, so the connection table stays valid. A
     * service already configured is refused and nothing is added. Forwarding thread only.
     *
     * @throws IllegalArgumentException naming a service configured twice
     */
    public void append(List<VirtualService> specs) {
        List<VirtualServiceState> next = new ArrayList<>(List.of(services));
        List<RealServerState> all = new ArrayList<>(List.of(servers));
        for (VirtualService spec : specs) {
            VirtualServiceState s = new VirtualServiceState(spec, next.size(), all.size());
            next.add(s);
            all.addAll(s.realServers());
            if (s.fallback() != null) {
                all.add(s.fallback());
            }
        }
        VirtualServiceState[] nextServices = next.toArray(new VirtualServiceState[0]);
        RealServerState[] nextServers = all.toArray(new RealServerState[0]);
        int[] nextServiceSlots = new int[slotsFor(nextServices.length)];
        for (VirtualServiceState s : nextServices) {
            if (find(nextServices, nextServiceSlots, s.protocol(), s.addressHigh(), s.addressLow(), s.port(), false)
                    != null) {
                throw new IllegalArgumentException("virtual " + s.spec().label() + " is configured twice");
            }
            int pos = serviceHash(s.protocol(), s.addressHigh(), s.addressLow(), s.port())
                    & (nextServiceSlots.length - 1);
            while (nextServiceSlots[pos] != 0) {
                pos = (pos + 1) & (nextServiceSlots.length - 1);
            }
            nextServiceSlots[pos] = s.index() + 1;
        }
        int[] nextNatSlots = new int[slotsFor(nextServers.length)];
        int[] nextSame = new int[nextServers.length];
        for (int id = nextServers.length - 1; id >= 0; id--) {
            RealServerState r = nextServers[id];
            nextSame[id] = -1;
            if (r.forwarding() != ForwardingMethod.NAT) {
                continue;
            }
            int pos = natPosition(nextServers, nextNatSlots, r.addressHigh(), r.addressLow(), r.port());
            if (nextNatSlots[pos] != 0) {
                nextSame[id] = nextNatSlots[pos] - 1;
            }
            nextNatSlots[pos] = id + 1;
        }
        serviceSlots = nextServiceSlots;
        natSlots = nextNatSlots;
        nextSameAddress = nextSame;
        servers = nextServers;
        services = nextServices;
    }

    private static int slotsFor(int n) {
        return Integer.highestOneBit(Math.max(2 * n, 2) - 1) << 1;
    }

    /** The service for a packet to {@code address:port}, or null. */
    public VirtualServiceState find(int protocol, long addressHigh, long addressLow, int port) {
        return find(services, serviceSlots, protocol, addressHigh, addressLow, port, true);
    }

    private static VirtualServiceState find(VirtualServiceState[] services, int[] serviceSlots, int protocol,
            long high, long low, int port, boolean tryAllPorts) {
        int mask = serviceSlots.length - 1;
        int pos = serviceHash(protocol, high, low, port) & mask;
        while (true) {
            int slot = serviceSlots[pos];
            if (slot == 0) {
                return tryAllPorts && port != 0 ? find(services, serviceSlots, protocol, high, low, 0, false) : null;
            }
            VirtualServiceState s = services[slot - 1];
            if (s.addressLow() == low && s.port() == port && s.addressHigh() == high && s.protocol() == protocol) {
                return s;
            }
            pos = (pos + 1) & mask;
        }
    }

    /** The first NAT server id listening at {@code address:port}, or -1; see {@link #nextNatServer}. */
    public int firstNatServer(long addressHigh, long addressLow, int port) {
        int[] slots = natSlots;
        int pos = natPosition(servers, slots, addressHigh, addressLow, port);
        return slots[pos] - 1;
    }

    /** The next NAT server id at the same address and port as {@code id}, or -1. */
    public int nextNatServer(int id) {
        return nextSameAddress[id];
    }

    private static int natPosition(RealServerState[] servers, int[] natSlots, long high, long low, int port) {
        int mask = natSlots.length - 1;
        int pos = serviceHash(0, high, low, port) & mask;
        while (true) {
            int slot = natSlots[pos];
            if (slot == 0) {
                return pos;
            }
            RealServerState r = servers[slot - 1];
            if (r.addressLow() == low && r.port() == port && r.addressHigh() == high) {
                return pos;
            }
            pos = (pos + 1) & mask;
        }
    }

    private static int serviceHash(int protocol, long high, long low, int port) {
        long h = (low * 0x9E37_79B9_7F4A_7C15L) ^ (high * 0xC2B2_AE3D_27D4_EB4FL) ^ ((long) port << 8 | protocol);
        h *= 0xBF58_476D_1CE4_E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    public int serviceCount() {
        return services.length;
    }

    public VirtualServiceState service(int index) {
        return services[index];
    }

    public List<VirtualServiceState> services() {
        return List.of(services);
    }

    /** Number of server ids (real and fallback servers of all services). */
    public int serverCount() {
        return servers.length;
    }

    public RealServerState server(int id) {
        return servers[id];
    }

    /** Keeps every server's active, inactive and persistent counts from connection-table events. */
    public ConnectionListener connectionCounts() {
        return counts;
    }

    private final class Counts implements ConnectionListener {
        @Override
        public void onConnectionAdded(int serverId, boolean active) {
            servers[serverId].onConnectionAdded(active);
        }

        @Override
        public void onConnectionActivityChanged(int serverId, boolean active) {
            servers[serverId].onConnectionActivityChanged(active);
        }

        @Override
        public void onConnectionRemoved(int serverId, boolean active) {
            servers[serverId].onConnectionRemoved(active);
        }

        @Override
        public void onTemplateAdded(int serverId) {
            servers[serverId].onTemplateAdded(1);
        }

        @Override
        public void onTemplateRemoved(int serverId) {
            servers[serverId].onTemplateAdded(-1);
        }
    }
}
