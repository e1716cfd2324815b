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
 * Built once from the configuration; lookups allocate nothing. Owned by the forwarding thread.
 */
public final class ServiceTable {
    private final VirtualServiceState[] services;
    private final RealServerState[] servers;
    private final int[] serviceSlots;
    private final int[] natSlots;
    private final int[] nextSameAddress;
    private final ConnectionListener counts = new Counts();

    public ServiceTable(List<VirtualService> specs) {
        services = new VirtualServiceState[specs.size()];
        List<RealServerState> all = new ArrayList<>();
        for (int i = 0; i < services.length; i++) {
            VirtualServiceState s = new VirtualServiceState(specs.get(i), i, all.size());
            services[i] = s;
            all.addAll(s.realServers());
            if (s.fallback() != null) {
                all.add(s.fallback());
            }
        }
        servers = all.toArray(new RealServerState[0]);
        serviceSlots = new int[slotsFor(services.length)];
        for (VirtualServiceState s : services) {
            if (find(s.protocol(), s.addressHigh(), s.addressLow(), s.port(), false) != null) {
                throw new IllegalArgumentException("virtual " + s.spec().label() + " is configured twice");
            }
            int pos = serviceHash(s.protocol(), s.addressHigh(), s.addressLow(), s.port()) & (serviceSlots.length - 1);
            while (serviceSlots[pos] != 0) {
                pos = (pos + 1) & (serviceSlots.length - 1);
            }
            serviceSlots[pos] = s.index() + 1;
        }
        natSlots = new int[slotsFor(servers.length)];
        nextSameAddress = new int[servers.length];
        for (int id = servers.length - 1; id >= 0; id--) {
            RealServerState r = servers[id];
            nextSameAddress[id] = -1;
            if (r.forwarding() != ForwardingMethod.NAT) {
                continue;
            }
            int pos = natPosition(r.addressHigh(), r.addressLow(), r.port());
            if (natSlots[pos] != 0) {
                nextSameAddress[id] = natSlots[pos] - 1;
            }
            natSlots[pos] = id + 1;
        }
    }

    private static int slotsFor(int n) {
        return Integer.highestOneBit(Math.max(2 * n, 2) - 1) << 1;
    }

    /** The service for a packet to {@code address:port}, or null. */
    public VirtualServiceState find(int protocol, long addressHigh, long addressLow, int port) {
        return find(protocol, addressHigh, addressLow, port, true);
    }

    private VirtualServiceState find(int protocol, long high, long low, int port, boolean tryAllPorts) {
        int mask = serviceSlots.length - 1;
        int pos = serviceHash(protocol, high, low, port) & mask;
        while (true) {
            int slot = serviceSlots[pos];
            if (slot == 0) {
                return tryAllPorts && port != 0 ? find(protocol, high, low, 0, false) : null;
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
        int pos = natPosition(addressHigh, addressLow, port);
        return natSlots[pos] - 1;
    }

    /** The next NAT server id at the same address and port as {@code id}, or -1. */
    public int nextNatServer(int id) {
        return nextSameAddress[id];
    }

    private int natPosition(long high, long low, int port) {
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
