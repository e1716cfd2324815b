package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * tandemctl: the operator's command. Exit codes: 0 done, 1 the daemon refused or the move did not
 * complete, 2 usage error, 3 the daemon cannot be reached.
 */
@Command(
        name = "tandemctl",
        mixinStandardHelpOptions = true,
        versionProvider = Tandemctl.Version.class,
        description = "Control a running tandemd.",
        subcommands = {Tandemctl.Status.class, Tandemctl.Takeover.class, Tandemctl.Standby.class,
            Tandemctl.Failback.class, Tandemctl.Maintenance.class, Tandemctl.History.class, Tandemctl.Reload.class,
            DirectorCommands.Services.class, DirectorCommands.Conns.class, CheckConfig.class,
            ImportKeepalived.class, Garp.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:refused by the daemon, or the move did not complete in time",
            "2:usage error",
            "3:tandemd cannot be reached (not running, wrong --socket, or not root)"
        })
public final class Tandemctl implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_REFUSED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNREACHABLE = 3;

    @Option(names = "--socket", description = "control socket of tandemd (default: ${DEFAULT-VALUE})",
            defaultValue = "/run/tandem/tandemd.sock")
    Path socket;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs tandemctl and returns its exit code (used by tests too). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Tandemctl());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("tandemctl: " + ex.getMessage());
            return EXIT_REFUSED;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    int call(String command, ObjectNode fields, boolean asJson, ResultPrinter printer) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ControlClient client = new ControlClient(socket);
        JsonNode answer;
        try {
            answer = client.call(command, fields);
        } catch (SocketException | java.nio.file.NoSuchFileException e) {
            err.println("tandemctl: cannot reach tandemd at " + socket + ": " + e.getMessage()
                    + " (is tandemd running? are you root?)");
            return EXIT_UNREACHABLE;
        } catch (IOException e) {
            err.println("tandemctl: talking to tandemd at " + socket + " failed: " + e.getMessage());
            return EXIT_UNREACHABLE;
        }
        if (asJson) {
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            printer.print(answer, out, err);
        }
        out.flush();
        return answer.path("ok").asBoolean(false) ? EXIT_OK : EXIT_REFUSED;
    }

    /** Turns a daemon answer into text for a person. */
    interface ResultPrinter {
        void print(JsonNode answer, PrintWriter out, PrintWriter err);
    }

    /**
     * What every subcommand shares: the parent (socket, output), {@code --json}, and one request
     * to the daemon whose answer a printer turns into text.
     */
    abstract static class DaemonCommand implements Callable<Integer> {
        @ParentCommand
        Tandemctl parent;

        @Option(names = "--json", description = "print the daemon's JSON answer")
        boolean json;

        /** The request's {@code command}. */
        abstract String command();

        /** Extra request fields, or null. */
        ObjectNode fields() {
            return null;
        }

        ResultPrinter printer() {
            return StatusPrinter::printMove;
        }

        @Override
        public Integer call() {
            return parent.call(command(), fields(), json, printer());
        }
    }

    /** A subcommand that names a group (default: all). */
    abstract static class GroupCommand extends DaemonCommand {
        @Parameters(arity = "0..1", defaultValue = "all", description = "a group name, or all")
        String group;

        @Override
        ObjectNode fields() {
            return new ObjectMapper().createObjectNode().put("group", group);
        }
    }

    @Command(name = "status", description = "Show this node, its peer, links, groups and resources.")
    static final class Status extends DaemonCommand {
        @Override
        String command() {
            return "status";
        }

        @Override
        ResultPrinter printer() {
            return StatusPrinter::print;
        }
    }

    @Command(name = "takeover", description = "Take GROUP (default: all) over from the peer, now.")
    static final class Takeover extends GroupCommand {
        @Override
        String command() {
            return "takeover";
        }
    }

    @Command(name = "standby", description = "Hand GROUP (default: all) over to the peer, now.")
    static final class Standby extends GroupCommand {
        @Override
        String command() {
            return "standby";
        }
    }

    @Command(name = "failback", description = "Move every group to its preferred node (from either node).")
    static final class Failback extends DaemonCommand {
        @Override
        String command() {
            return "failback";
        }
    }

    @Command(name = "maintenance", description = "on: freeze the pair (nothing moves, whatever happens); off: back to normal.")
    static final class Maintenance extends DaemonCommand {
        @Parameters(arity = "1", description = "on or off")
        String mode;

        @Override
        String command() {
            return "maintenance";
        }

        @Override
        ObjectNode fields() {
            return new ObjectMapper().createObjectNode().put("mode", mode);
        }

        @Override
        public Integer call() {
            if (!mode.equals("on") && !mode.equals("off")) {
                parent.spec.commandLine().getErr().println("tandemctl: maintenance takes 'on' or 'off', not '" + mode + "'");
                return EXIT_USAGE;
            }
            return super.call();
        }
    }

    @Command(name = "history", description = "List the recent state changes of every group, with their reasons.")
    static final class History extends DaemonCommand {
        @Override
        String command() {
            return "history";
        }

        @Override
        ResultPrinter printer() {
            return StatusPrinter::printHistory;
        }
    }

    @Command(name = "reload", description = "Re-read the config: apply what changed, or refuse and say why (nothing changes then).")
    static final class Reload extends DaemonCommand {
        @Override
        String command() {
            return "reload";
        }
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Tandemctl.class.getPackage().getImplementationVersion();
            return new String[] {"tandemctl " + (v == null ? "(development build)" : v)};
        }
    }
}
