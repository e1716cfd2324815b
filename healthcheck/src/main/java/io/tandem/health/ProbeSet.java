package io.tandem.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where checks run, and which probe each check uses. Asynchronous probes (TCP connect, HTTP,
 * HTTPS, and the UDP exchanges of DNS, RADIUS, SIP) run on a Netty event loop; probes built on
 * blocking clients (Commons Net, LDAP, JDBC, ping, external commands, UDP connect) run on a
 * bounded pool. Close it after the {@link HealthMonitor} that uses it.
 */
public final class ProbeSet implements Probe.Selector, AutoCloseable {
    /** Default size of the blocking pool: enough for many slow servers, bounded for a hung fleet. */
    public static final int DEFAULT_BLOCKING_THREADS = 32;

    private final EventLoopGroup group;
    private final ExecutorService ownedPool;
    private final Probe tcpConnect;
    private final Probe http;
    private final NegotiateProbes negotiate;
    private final Probe udpConnect;
    private final Probe ping;
    private final Probe external;

    /** One event-loop thread and {@link #DEFAULT_BLOCKING_THREADS} blocking threads; JDK trust for verified TLS. */
    public ProbeSet() {
        this(1, DEFAULT_BLOCKING_THREADS, null);
    }

    /**
     * @param eventLoopThreads threads of the Netty event loop
     * @param blockingThreads  size of the pool for blocking clients
     * @param tlsTrust         trust for checks that verify TLS certificates, or null for the JDK's
     */
    public ProbeSet(int eventLoopThreads, int blockingThreads, TrustManagerFactory tlsTrust) {
        this(eventLoopThreads, newPool(blockingThreads), true, tlsTrust);
    }

    /**
     * Runs blocking probes on {@code blocking}, which the caller owns (a test runs them on a
     * thread inside a network namespace this way).
     */
    public ProbeSet(int eventLoopThreads, ExecutorService blocking, TrustManagerFactory tlsTrust) {
        this(eventLoopThreads, blocking, false, tlsTrust);
    }

    private ProbeSet(int eventLoopThreads, ExecutorService blocking, boolean owned, TrustManagerFactory tlsTrust) {
        this.group = new MultiThreadIoEventLoopGroup(eventLoopThreads,
                new DefaultThreadFactory("tandem-health-io", true), NioIoHandler.newFactory());
        this.ownedPool = owned ? blocking : null;
        Bootstrap tcp = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true);
        Bootstrap udp = new Bootstrap().group(group).channel(NioDatagramChannel.class);
        SslContext insecure;
        SslContext verifying;
        try {
            insecure = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null).build();
            verifying = SslContextBuilder.forClient().trustManager(tlsTrust)
                    .endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot set up TLS for health checks: " + e.getMessage(), e);
        }
        this.tcpConnect = new TcpConnectProbe(tcp);
        this.http = new HttpProbe(tcp, insecure, verifying);
        this.negotiate = new NegotiateProbes(blocking, udp);
        this.udpConnect = new UdpConnectProbe(blocking);
        this.ping = new PingProbe(blocking);
        this.external = new ExternalProbe(blocking);
    }

    private static ExecutorService newPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("blockingThreads=" + threads + " must be >= 1");
        }
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("tandem-health-check", true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public Probe select(CheckedServer server, CheckType kind) {
        return switch (kind) {
            case ON -> (s, t, done) -> {
                done.complete(true, "checktype=on");
                return Probe.Cancellable.NONE;
            };
            case OFF -> (s, t, done) -> {
                done.complete(false, "checktype=off");
                return Probe.Cancellable.NONE;
            };
            case CONNECT -> server.udp() ? udpConnect : tcpConnect;
            case PING -> ping;
            case EXTERNAL -> external;
            case NEGOTIATE, NEGOTIATE_EVERY_NTH -> switch (server.check().service()) {
                case HTTP, HTTPS -> http;
                default -> negotiate.forService(server.check().service());
            };
        };
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (ownedPool != null) {
            ownedPool.shutdownNow();
        }
    }
}
