package io.tandem.cli;

import java.io.IOException;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tandemctl check-config [DIR]}: validates a config directory without a running daemon.
 * Prints one {@code file:line: problem} per error on stderr and exits 1, or says it is valid and
 * exits 0; warnings (directives that are ignored, weak keys) go to stdout either way.
 */
@Command(name = "check-config",
        description = "Validate ha.cf, authkeys, haresources and director.cf in DIR offline (no daemon needed).")
final class CheckConfig implements Callable<Integer> {
    @Parameters(arity = "0..1", defaultValue = "/etc/tandem", paramLabel = "DIR",
            description = "config directory (default: ${DEFAULT-VALUE}; /etc/ha.d for Heartbeat's files)")
    Path dir;

    @Option(names = "--node", paramLabel = "NAME",
            description = "check as this director (repeat for both; default: this host's name, as tandemd uses)")
    List<String> nodes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws SocketException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = nodes == null || nodes.isEmpty() ? List.of(hostName()) : nodes;
        ConfigDirCheck.Result result = ConfigDirCheck.check(dir, names, localAddresses());
        result.warnings().forEach(w -> out.println("warning: " + w));
        result.errors().forEach(err::println);
        out.flush();
        err.flush();
        if (!result.valid()) {
            err.println("tandemctl: " + dir + " is not valid (" + result.errors().size() + " error"
                    + (result.errors().size() == 1 ? "" : "s") + ")");
            return Tandemctl.EXIT_REFUSED;
        }
        out.println("tandemctl: " + dir + " is valid for node " + String.join(" and ", names));
        return Tandemctl.EXIT_OK;
    }

    /** The addresses of this host: ucast lines naming one are skipped, as tandemd does. */
    static java.util.function.Predicate<InetAddress> localAddresses() throws SocketException {
        Set<InetAddress> own = new HashSet<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            own.addAll(Collections.list(nif.getInetAddresses()));
        }
        return own::contains;
    }

    static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
