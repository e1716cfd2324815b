package io.tandem.daemon.resources;

import io.tandem.failover.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * A resource run by a command, the way Heartbeat ran everything that was not an address: a
 * Heartbeat {@code resource.d} script ({@code SCRIPT ARG... start|stop|status}), an LSB init
 * script ({@code /etc/init.d/NAME start|stop|status}) or a systemd unit
 * ({@code systemctl start|stop|is-active NAME}). Start and stop must exit 0 within the timeout;
 * a command that hangs is killed and counts as failed.
 */
public final class CommandResource implements Resource {
    private final String name;
    private final List<String> start;
    private final List<String> stop;
    private final List<String> status;
    private final long timeoutMillis;

    CommandResource(String name, List<String> start, List<String> stop, List<String> status, long timeoutMillis) {
        this.name = name;
        this.start = List.copyOf(start);
        this.stop = List.copyOf(stop);
        this.status = List.copyOf(status);
        this.timeoutMillis = timeoutMillis;
    }

    /** {@code prefix... ACTION} for the three actions, e.g. a script with its arguments. */
    static CommandResource withActionLast(String name, List<String> prefix, String startWord, String stopWord,
            String statusWord, long timeoutMillis) {
        return new CommandResource(name, append(prefix, startWord), append(prefix, stopWord), append(prefix, statusWord),
                timeoutMillis);
    }

    private static List<String> append(List<String> prefix, String word) {
        List<String> out = new ArrayList<>(prefix);
        out.add(word);
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        run(start);
    }

    @Override
    public void stop() throws Exception {
        run(stop);
    }

    @Override
    public boolean isRunning() {
        try {
            return run(status, false) == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private void run(List<String> command) throws Exception {
        run(command, true);
    }

    private int run(List<String> command, boolean mustSucceed) throws Exception {
        return BoundedCommand.run(command, timeoutMillis, mustSucceed);
    }
}
