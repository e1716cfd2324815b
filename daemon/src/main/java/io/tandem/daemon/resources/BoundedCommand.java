package io.tandem.daemon.resources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an operator's command (a resource script, the fence or notify command) with a hard
 * timeout: a command that hangs is killed with its children. Its output goes to a temporary file
 * (a chatty script can never block on a full pipe) and the last line of it explains a failure.
 */
public final class BoundedCommand {
    private BoundedCommand() {
    }

    /**
     * Runs {@code command} and returns its exit code.
     *
     * @param mustSucceed when true, a non-zero exit throws, naming the command, the code and the
     *                    last line it printed
     */
    public static int run(List<String> command, long timeoutMillis, boolean mustSucceed) throws IOException,
            InterruptedException {
        Path output = Files.createTempFile("tandem-command", ".out");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            } catch (IOException e) {
                throw new IOException(String.join(" ", command) + " could not be run: " + e.getMessage(), e);
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", command) + " did not finish within " + timeoutMillis + " ms; killed");
            }
            int code = p.exitValue();
            if (mustSucceed && code != 0) {
                String last = lastLine(output);
                throw new IOException(String.join(" ", command) + " exited " + code + (last.isEmpty() ? "" : ": " + last));
            }
            return code;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String lastLine(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int from = Math.max(0, all.length - 4096);
        String tail = new String(all, from, all.length - from, StandardCharsets.UTF_8).strip();
        int nl = tail.lastIndexOf('\n');
        return nl >= 0 ? tail.substring(nl + 1) : tail;
    }
}
