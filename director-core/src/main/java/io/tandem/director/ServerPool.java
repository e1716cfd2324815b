package io.tandem.director;

import io.tandem.director.sched.ServerSet;

/**
 * A service's real servers (not its fallback) as its scheduler sees them. Schedulers run on the
 * forwarding thread, which wrote these numbers: they are read plainly, not with opaque loads.
 */
final class ServerPool implements ServerSet {
    private final RealServerState[] servers;

    ServerPool(RealServerState[] servers) {
        this.servers = servers;
    }

    @Override
    public int size() {
        return servers.length;
    }

    @Override
    public int weight(int server) {
        return (int) servers[server].plain(RealServerState.SCHEDULING_WEIGHT);
    }

    @Override
    public int lastWeight(int server) {
        return (int) servers[server].plain(RealServerState.LAST_WEIGHT);
    }

    @Override
    public boolean isMember(int server) {
        return servers[server].plain(RealServerState.MEMBER) != 0;
    }

    @Override
    public int activeConnections(int server) {
        return (int) servers[server].plain(RealServerState.ACTIVE);
    }

    @Override
    public int inactiveConnections(int server) {
        return (int) servers[server].plain(RealServerState.INACTIVE);
    }

    @Override
    public long addressHigh(int server) {
        return servers[server].addressHigh();
    }

    @Override
    public long addressLow(int server) {
        return servers[server].addressLow();
    }

    @Override
    public int port(int server) {
        return servers[server].port();
    }
}
