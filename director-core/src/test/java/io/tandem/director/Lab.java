package io.tandem.director;

import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Addresses from the lab's 198.51.100.0/24 and 2001:db8::/32, and services built on them. */
final class Lab {
    static final int TCP = 6;
    static final int UDP = 17;
    static final long S = 1_000_000_000L;
    static final long T0 = 77 * S;
    static final InetAddress VIP = address("198.51.100.10");
    static final long VIP_LOW = IpAddresses.low(VIP);

    private Lab() {
    }

    static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static long low(String text) {
        return IpAddresses.low(address(text));
    }

    static long high(String text) {
        return IpAddresses.high(address(text));
    }

    /** Client {@code n} in 203.0.113.0/24 and beyond (n up to 65535). */
    static long client(int n) {
        return IpAddresses.ipv4Low(0xCB00_7100 + n);
    }

    /** Real servers 198.51.100.21, .22, ... with the given weights. */
    static List<RealServer> servers(int... weights) {
        List<RealServer> out = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            out.add(RealServer.of(address("198.51.100." + (21 + i)), weights[i]));
        }
        return out;
    }

    static VirtualService tcp80(SchedulerName scheduler, int... weights) {
        return VirtualService.of(Protocol.TCP, VIP, 80, SchedulerSpec.of(scheduler), servers(weights));
    }

    static ForwardingEngine engine(VirtualService... services) {
        return engine(1024, services);
    }

    static ForwardingEngine engine(int capacity, VirtualService... services) {
        return new ForwardingEngine(new ServiceTable(List.of(services)), capacity,
                io.tandem.director.conn.ConnectionTimeouts.IPVS_DEFAULTS, T0);
    }
}
