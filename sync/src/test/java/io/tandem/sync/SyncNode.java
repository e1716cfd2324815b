package io.tandem.sync;

import io.tandem.config.AuthKeys;
import io.tandem.director.ForwardingEngine;
import io.tandem.director.IpAddresses;
import io.tandem.director.Persistence;
import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.RealServerState;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.ForwardingMethod;
import io.tandem.director.conn.ConnectionTable;
import io.tandem.director.conn.ConnectionTimeouts;
import io.tandem.director.conn.TcpStates;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Test fixture: one director's engine (real services, real connection table) with its sync on a
 * real UDP socket and an {@link EngineLoop} owning the engine. The two nodes of a pair list
 * their real servers in opposite orders, so server ids differ and only addresses match.
 */
final class SyncNode implements AutoCloseable {
    static final int TCP = 6;
    static final int UDP = 17;
    static final long TICK_NS = 10_000_000L;
    static final InetAddress VIP = address("198.51.100.10");
    static final InetAddress VIP_PERSISTENT = address("198.51.100.11");
    static final InetAddress VIP6 = address("2001:db8::10");

    final String name;
    final ForwardingEngine engine;
    final ConnectionSync sync;
    final EngineLoop loop;

    SyncNode(String name, boolean reversed, int capacity, SyncConfig config, AuthKeys keys, AppliedListener listener)
            throws IOException {
        this.name = name;
        engine = new ForwardingEngine(new ServiceTable(services(reversed)), capacity, ConnectionTimeouts.IPVS_DEFAULTS,
                System.nanoTime());
        sync = new ConnectionSync(config, keys, engine, System::nanoTime, listener);
        loop = new EngineLoop(engine, System::nanoTime, TICK_NS, "engine-" + name);
        loop.setTickListener(sync::onTick);
    }

    void start() {
        loop.start();
        sync.start();
    }

    static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static List<VirtualService> services(boolean reversed) {
        List<VirtualService> out = new ArrayList<>();
        out.add(VirtualService.of(Protocol.TCP, VIP, 80, SchedulerSpec.of(SchedulerName.WRR),
                servers(reversed, "198.51.100.21", "198.51.100.22", "198.51.100.23")));
        out.add(VirtualService.of(Protocol.TCP, VIP_PERSISTENT, 443, SchedulerSpec.of(SchedulerName.RR),
                servers(reversed, "198.51.100.31", "198.51.100.32")).withPersistence(Persistence.of(Duration.ofMinutes(5))));
        out.add(VirtualService.of(Protocol.UDP, VIP, 53, SchedulerSpec.of(SchedulerName.RR),
                servers(reversed, "198.51.100.41", "198.51.100.42")).withForwarding(ForwardingMethod.NAT));
        out.add(VirtualService.of(Protocol.TCP, VIP6, 80, SchedulerSpec.of(SchedulerName.RR),
                servers(reversed, "2001:db8::21", "2001:db8::22")));
        return out;
    }

    private static List<RealServer> servers(boolean reversed, String... addresses) {
        List<RealServer> out = new ArrayList<>();
        for (String a : addresses) {
            out.add(RealServer.of(address(a), 1));
        }
        if (reversed) {
            java.util.Collections.reverse(out);
        }
        return out;
    }

    /** Client {@code n} in 203.0.113.0/24 and the /16 after it. */
    static long client(int n) {
        return IpAddresses.ipv4Low(0xCB00_7100 + n);
    }

    /** Runs {@code action} on the engine's thread and returns its result. */
    <T> T call(Function<ForwardingEngine, T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(engine -> {
            try {
                result.complete(action.apply(engine));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(60, TimeUnit.SECONDS);
    }

    /** Opens {@code count} TCP connections to VIP:80 from clients {@code first...} (SYN, then ACK). */
    int connect(int first, int count) throws Exception {
        return call(e -> {
            long now = System.nanoTime();
            int opened = 0;
            for (int i = first; i < first + count; i++) {
                if (e.onClientPacket(TCP, 0, client(i / 50_000), 1024 + i % 50_000, 0, IpAddresses.low(VIP), 80,
                        TcpStates.SYN, 60, now) >= 0) {
                    opened++;
                }
            }
            return opened;
        });
    }

    /** One line per entry in use: key, template flag, real server address:port, state, synced flag. */
    Map<String, String> entries() throws Exception {
        return call(e -> {
            ConnectionTable t = e.connections();
            Map<String, String> out = new HashMap<>();
            for (int i = t.nextInUse(ConnectionTable.NONE); i != ConnectionTable.NONE; i = t.nextInUse(i)) {
                RealServerState s = e.services().server(t.serverId(i));
                String key = t.protocol(i) + (t.isTemplate(i) ? " T " : " ") + IpAddresses.toString(t.clientHigh(i),
                        t.clientLow(i)) + ":" + t.clientPort(i) + " " + IpAddresses.toString(t.virtualHigh(i),
                        t.virtualLow(i)) + ":" + t.virtualPort(i);
                out.put(key, s.config().label() + " " + TcpStates.name(t.state(i)) + (t.isSynced(i) ? " synced" : ""));
            }
            return out;
        });
    }

    int size() throws Exception {
        return call(e -> e.connections().size());
    }

    static InetSocketAddress[] loopbackPair() throws IOException {
        try (DatagramChannel a = DatagramChannel.open(); DatagramChannel b = DatagramChannel.open()) {
            a.bind(new InetSocketAddress("127.0.0.1", 0));
            b.bind(new InetSocketAddress("127.0.0.1", 0));
            return new InetSocketAddress[] {(InetSocketAddress) a.getLocalAddress(),
                (InetSocketAddress) b.getLocalAddress()};
        }
    }

    @Override
    public void close() throws IOException {
        loop.close();
        sync.close();
    }
}
