package io.tandem.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * {@code checktype=external}: runs {@code checkcommand=} with ldirectord's arguments, virtual
 * address, virtual port, real address, real (check) port; exit status 0 means up. The command
 * line is split on blanks (no shell). A command still running at the deadline is killed with
 * its children. Its output (the first 200 characters) goes into the reason.
 */
final class ExternalProbe extends BlockingProbe {
    private static final int MAX_OUTPUT_CHARS = 200;

    ExternalProbe(Executor executor) {
        super(executor);
    }

    @Override
    protected CheckType kind(CheckedServer server) {
        return CheckType.EXTERNAL;
    }

    @Override
    protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
        String command = server.check().checkCommand();
        if (command == null || command.isBlank()) {
            throw new CheckFailure("no checkcommand= set");
        }
        List<String> argv = new ArrayList<>(List.of(command.strip().split("\\s+")));
        argv.add(server.vip() == null ? String.valueOf(server.fwmark()) : server.vip().getHostAddress());
        argv.add(String.valueOf(server.vport()));
        argv.add(server.real().getAddress().getHostAddress());
        argv.add(String.valueOf(server.checkAddress().getPort()));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        resources.add(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
        process.getOutputStream().close();
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new CheckFailure(argv.get(0) + " still running after " + timeoutMillis + " ms, killed");
        }
        String output = output(process);
        int status = process.exitValue();
        if (status != 0) {
            throw new CheckFailure(argv.get(0) + " exited with status " + status + output);
        }
        return argv.get(0) + " exited with status 0" + output;
    }

    private static String output(Process process) throws IOException {
        byte[] bytes = process.getInputStream().readNBytes(MAX_OUTPUT_CHARS);
        String text = new String(bytes, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return text.isEmpty() ? "" : " (" + text + ")";
    }
}
