package io.tandem.daemon;

import io.tandem.config.ClusterConfig;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * tandemd: the Tandem daemon. Exit codes: 0 stopped cleanly (or --check passed), 1 failed while
 * running or starting, 2 bad configuration or usage.
 */
@Command(name = "tandemd", mixinStandardHelpOptions = true, versionProvider = Tandemd.Version.class,
        description = "Tandem high-availability daemon for a pair of load-balancer directors.")
public final class Tandemd implements Callable<Integer> {
    static final int EXIT_FAILED = 1;
    static final int EXIT_CONFIG = 2;
    /** sun_path is 108 bytes including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    @Option(names = "--config", defaultValue = "/etc/tandem", description = "config directory (default: ${DEFAULT-VALUE})")
    Path configDir;

    @Option(names = "--node", description = "this node's name (default: uname -n)")
    String node;

    @Option(names = "--socket", defaultValue = "/run/tandem/tandemd.sock", description = "control socket (default: ${DEFAULT-VALUE})")
    Path socket;

    @Option(names = "--state-dir", defaultValue = "/var/lib/tandem", description = "state directory (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--check", description = "validate the configuration and exit")
    boolean check;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Tandemd());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("tandemd: " + ex);
            return EXIT_FAILED;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String name = node != null ? node : hostName();
        // Logging starts after this: every line carries the node name.
        System.setProperty("tandem.node", name);
        ClusterConfig config;
        try {
            config = ConfigLoader.load(configDir, name, localAddresses());
        } catch (ConfigException e) {
            err.println("tandemd: " + e.getMessage());
            return EXIT_CONFIG;
        }
        List<String> unsupported = Daemon.unresolvableResources(config);
        if (!unsupported.isEmpty()) {
            err.println("tandemd: " + unsupported.get(0));
            return EXIT_CONFIG;
        }
        int socketPathBytes = socket.toAbsolutePath().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (socketPathBytes > MAX_SOCKET_PATH_BYTES) {
            err.println("tandemd: --socket " + socket.toAbsolutePath() + " is " + socketPathBytes
                    + " bytes long; a Unix socket path may have at most " + MAX_SOCKET_PATH_BYTES);
            return EXIT_CONFIG;
        }
        if (!check) {
            // From here on, logs go where ha.cf says (logfacility, logfile, debugfile, debug).
            try {
                io.tandem.daemon.logging.LogSetup.apply(config.ha().logging(), name);
            } catch (java.io.IOException e) {
                err.println("tandemd: " + e.getMessage());
                return EXIT_CONFIG;
            }
        }
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Tandemd.class);
        config.warnings().forEach(w -> log.warn("{}", w));
        if (check) {
            spec.commandLine().getOut().println("tandemd: configuration in " + configDir + " is valid for node " + name);
            return 0;
        }
        Daemon daemon = new Daemon(config, name, socket, stateDir);
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            daemon.start();
        } catch (Exception e) {
            log.error("tandemd {} failed to start: {}", name, e.toString());
            daemon.stop();
            return EXIT_FAILED;
        }
        java.util.function.Function<Path, ClusterConfig> loader = dir -> {
            try {
                return ConfigLoader.load(dir, name, localAddresses());
            } catch (ConfigException | SocketException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        };
        daemon.reloader = () -> daemon.reload(loader);
        // SIGHUP reloads, as it did for Heartbeat; without a handler the JVM would shut down.
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> new Thread(() -> daemon.reload(loader),
                "tandem-reload").start());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.stop();
            stopped.countDown();
        }, "tandem-shutdown"));
        stopped.await();
        return 0;
    }

    private static java.util.function.Predicate<InetAddress> localAddresses() throws SocketException {
        Set<InetAddress> own = new HashSet<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            own.addAll(Collections.list(nif.getInetAddresses()));
        }
        return own::contains;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Tandemd.class.getPackage().getImplementationVersion();
            return new String[] {"tandemd " + (v == null ? "(development build)" : v)};
        }
    }
}
