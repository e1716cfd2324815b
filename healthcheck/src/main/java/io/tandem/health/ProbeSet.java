package io.tandem.health;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import java.lang.management.ManagementFactory;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where checks run, and which probe each check uses. Asynchronous probes (TCP connect, HTTP,
 * HTTPS, and the UDP exchanges of DNS, RADIUS, SIP) run on a Netty event loop; probes built on
 * blocking clients (Commons Net, LDAP, JDBC, ping, external commands, UDP connect) run on a
 * bounded pool. Close it after the {@link HealthMonitor} that uses it.
 *
 * <p>The event loop uses Netty's native epoll transport when it is available (tandemd requires
 * it), NIO otherwise. A check's TCP connection is closed with a reset ({@code SO_LINGER} 0, as
 * keepalived's checkers did): a checker that opens thousands of connections a second must not
 * leave each one in TIME_WAIT for a minute, holding a local port.
 *
 * <p>Checks in flight are capped ({@link #maxInFlight()}): each holds a file descriptor until it
 * ends, so a fleet of hung servers must not exhaust the process's descriptors. The default cap is
 * half the process's descriptor limit ({@code RLIMIT_NOFILE}), at most {@link #MAX_IN_FLIGHT_CEILING};
 * the monitor queues what does not fit (see {@link HealthMonitor}). tandemd at 10,000 servers
 * wants {@code LimitNOFILE=} well above that (65536): a full cap of 10,000 hung checks plus the
 * daemon's own descriptors.
 */
public final class ProbeSet implements Probe.Selector, AutoCloseable {
    /** Default size of the blocking pool: enough for many slow servers, bounded for a hung fleet. */
    public static final int DEFAULT_BLOCKING_THREADS = 32;
    /**
     * Default event-loop threads: two where there are two cores. 10,000 checks a second cost about
     * 0.8 of a core (scripts/bench-health); on one loop that is near saturation and answers queue for up
     * to a second, on two each loop has room and the p99 stays under 100 ms for the same CPU.
     */
    public static final int DEFAULT_EVENT_LOOP_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());
    /** Highest default cap on checks in flight, whatever the descriptor limit. */
    public static final int MAX_IN_FLIGHT_CEILING = 16_384;

    private final int maxInFlight;

    private final EventLoopGroup group;
    private final ExecutorService ownedPool;
    private final Probe tcpConnect;
    private final Probe http;
    private final NegotiateProbes negotiate;
    private final Probe udpConnect;
    private final Probe ping;
    private final Probe external;

    /**
     * {@link #DEFAULT_EVENT_LOOP_THREADS} event-loop threads and {@link #DEFAULT_BLOCKING_THREADS}
     * blocking threads; JDK trust for verified TLS.
     */
    public ProbeSet() {
        this(DEFAULT_EVENT_LOOP_THREADS, DEFAULT_BLOCKING_THREADS, null);
    }

    /**
     * @param eventLoopThreads threads of the Netty event loop
     * @param blockingThreads  size of the pool for blocking clients
     * @param tlsTrust         trust for checks that verify TLS certificates, or null for the JDK's
     */
    public ProbeSet(int eventLoopThreads, int blockingThreads, TrustManagerFactory tlsTrust) {
        this(eventLoopThreads, newPool(blockingThreads), true, tlsTrust, defaultMaxInFlight());
    }

    /**
     * As above, with at most {@code maxInFlight} checks running at once (more wait their turn).
     */
    public ProbeSet(int eventLoopThreads, int blockingThreads, TrustManagerFactory tlsTrust, int maxInFlight) {
        this(eventLoopThreads, newPool(blockingThreads), true, tlsTrust, maxInFlight);
    }

    /**
     * Runs blocking probes on {@code blocking}, which the caller owns (a test runs them on a
     * thread inside a network namespace this way).
     */
    public ProbeSet(int eventLoopThreads, ExecutorService blocking, TrustManagerFactory tlsTrust) {
        this(eventLoopThreads, blocking, false, tlsTrust, defaultMaxInFlight());
    }

    private ProbeSet(int eventLoopThreads, ExecutorService blocking, boolean owned, TrustManagerFactory tlsTrust,
            int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight=" + maxInFlight + " must be >= 1");
        }
        this.maxInFlight = maxInFlight;
        boolean epoll = Epoll.isAvailable();
        this.group = new CheckLoopGroup(eventLoopThreads, new DefaultThreadFactory("tandem-health-io", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.ownedPool = owned ? blocking : null;
        // Netty sets TCP_NODELAY itself; the monitor's deadline cancels a hung connect, so no timer
        // per connection; a socket of the target's own family (a dual-stack one costs two calls more)
        Bootstrap tcp = new Bootstrap().group(group)
                .option(ChannelOption.SO_LINGER, 0)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0);
        TcpBootstraps tcps = new TcpBootstraps(
                tcp.clone().channelFactory(() -> epoll ? new EpollSocketChannel(SocketProtocolFamily.INET)
                        : new NioSocketChannel(SelectorProvider.provider(), SocketProtocolFamily.INET)),
                tcp.clone().channelFactory(() -> epoll ? new EpollSocketChannel(SocketProtocolFamily.INET6)
                        : new NioSocketChannel(SelectorProvider.provider(), SocketProtocolFamily.INET6)));
        LoopStarter.Ring loops = new LoopStarter.Ring(group);
        Bootstrap udp = new Bootstrap().group(group).channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class);
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
        this.tcpConnect = new TcpConnectProbe(tcps, loops);
        this.http = new HttpProbe(tcps, loops, insecure, verifying);
        this.negotiate = new NegotiateProbes(blocking, udp);
        this.udpConnect = new UdpConnectProbe(blocking);
        this.ping = new PingProbe(blocking);
        this.external = new ExternalProbe(blocking);
    }

    /** Half the process's descriptor limit, at least 64, at most {@link #MAX_IN_FLIGHT_CEILING}. */
    static int defaultMaxInFlight() {
        long limit = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : 1024;
        return (int) Math.max(64, Math.min(MAX_IN_FLIGHT_CEILING, limit / 2));
    }

    /** Whether checks run on Netty's native epoll transport (else NIO). */
    public static boolean epoll() {
        return Epoll.isAvailable();
    }

    @Override
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Event loops that return to I/O at least every {@value #TASK_QUANTUM_MILLIS} ms. Netty's
     * default lets a loop run queued tasks for up to a second before it polls again; starting
     * thousands of checks a second keeps tasks queued, so answers would sit unread until the
     * checks' deadlines passed, and the cancellations of those checks would queue more tasks.
     */
    private static final class CheckLoopGroup extends MultiThreadIoEventLoopGroup {
        static final long TASK_QUANTUM_MILLIS = 1;

        CheckLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
            super(threads, threadFactory, ioHandlerFactory);
        }

        @Override
        protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
            return new SingleThreadIoEventLoop(this, executor, ioHandlerFactory, Integer.MAX_VALUE,
                    RejectedExecutionHandlers.reject(), TASK_QUANTUM_MILLIS);
        }
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
