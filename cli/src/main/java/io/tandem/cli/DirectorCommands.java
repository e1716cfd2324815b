package io.tandem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The director's read commands: {@code services} (as {@code ipvsadm -Ln}) and {@code conns} ({@code -Lnc}). */
final class DirectorCommands {
    private DirectorCommands() {
    }

    @Command(name = "services", description = "List virtual services and real servers with weights, connections "
            + "and health, like ipvsadm -Ln.")
    static final class Services extends Tandemctl.DaemonCommand {
        @Option(names = "--stats", description = "connections, packets and bytes since start (ipvsadm --stats)")
        boolean stats;

        @Option(names = "--rate", description = "per second over the last 2 s (ipvsadm --rate)")
        boolean rate;

        @Override
        String command() {
            return "services";
        }

        @Override
        Tandemctl.ResultPrinter printer() {
            ServicesPrinter.Columns columns = rate ? ServicesPrinter.Columns.RATE
                    : stats ? ServicesPrinter.Columns.STATS : ServicesPrinter.Columns.WEIGHTS;
            return (answer, out, err) -> ServicesPrinter.printServices(answer, columns, out, err);
        }

        @Override
        public Integer call() {
            if (stats && rate) {
                parent.spec.commandLine().getErr().println("tandemctl: services takes --stats or --rate, not both");
                return Tandemctl.EXIT_USAGE;
            }
            return super.call();
        }
    }

    @Command(name = "conns", description = "List the connection table (and persistence templates), like ipvsadm -Lnc; "
            + "'sync' marks entries learnt from the peer.")
    static final class Conns extends Tandemctl.DaemonCommand {
        @Option(names = "--limit", defaultValue = "10000", description = "at most this many entries per director "
                + "(default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        String command() {
            return "conns";
        }

        @Override
        ObjectNode fields() {
            return new ObjectMapper().createObjectNode().put("limit", limit);
        }

        @Override
        Tandemctl.ResultPrinter printer() {
            return ServicesPrinter::printConnections;
        }

        @Override
        public Integer call() {
            if (limit <= 0) {
                parent.spec.commandLine().getErr().println("tandemctl: conns --limit=" + limit + " must be > 0");
                return Tandemctl.EXIT_USAGE;
            }
            return super.call();
        }
    }
}
