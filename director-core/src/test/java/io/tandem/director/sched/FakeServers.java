package io.tandem.director.sched;

import java.util.Arrays;

/** A {@link ServerSet} the test sets directly: servers 10.0.0.1, 10.0.0.2, ... port 80. */
final class FakeServers implements ServerSet {
    final int[] weights;
    final int[] lastWeights;
    final boolean[] members;
    final int[] active;
    final int[] inactive;

    FakeServers(int... weights) {
        this.weights = weights.clone();
        this.lastWeights = weights.clone();
        this.members = new boolean[weights.length];
        Arrays.fill(members, true);
        this.active = new int[weights.length];
        this.inactive = new int[weights.length];
    }

    void setWeight(int server, int weight) {
        weights[server] = weight;
        if (weight > 0) {
            lastWeights[server] = weight;
        }
    }

    @Override
    public int size() {
        return weights.length;
    }

    @Override
    public int weight(int server) {
        return members[server] ? weights[server] : 0;
    }

    @Override
    public int lastWeight(int server) {
        return lastWeights[server];
    }

    @Override
    public boolean isMember(int server) {
        return members[server];
    }

    @Override
    public int activeConnections(int server) {
        return active[server];
    }

    @Override
    public int inactiveConnections(int server) {
        return inactive[server];
    }

    @Override
    public long addressHigh(int server) {
        return 0;
    }

    @Override
    public long addressLow(int server) {
        return ipv4(10, 0, 0, server + 1);
    }

    @Override
    public int port(int server) {
        return 80;
    }

    static long ipv4(int a, int b, int c, int d) {
        return 0x0000_FFFF_0000_0000L | ((long) a << 24 | b << 16 | c << 8 | d);
    }

    /** Client number {@code n} as an IPv4 address in 198.18.0.0/15, spread over the range. */
    static long client(int n) {
        return 0x0000_FFFF_0000_0000L | (0xC612_0000L + (n & 0x1_FFFF));
    }
}
