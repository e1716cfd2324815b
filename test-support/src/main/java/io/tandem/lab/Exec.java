package io.tandem.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command to completion, with a hard timeout, and keeps what it printed. */
public final class Exec {
    /** What a finished command left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exitCode + ": " + stderr.strip());
            }
            return this;
        }
    }

    private Exec() {
    }

    public static Result run(List<String> command, long timeoutMillis) {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            StreamSink out = new StreamSink(p.getInputStream());
            StreamSink err = new StreamSink(p.getErrorStream());
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeoutMillis + " ms");
            }
            return new Result(command, p.exitValue(), out.text(), err.text());
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    public static Result run(String... command) {
        return run(List.of(command), 30_000);
    }

    /** Drains a stream on its own thread so a chatty child never blocks on a full pipe. */
    private static final class StreamSink {
        private final Thread thread;
        private byte[] bytes = new byte[0];

        StreamSink(InputStream in) {
            thread = new Thread(() -> {
                try (in) {
                    bytes = in.readAllBytes();
                } catch (IOException e) {
                    bytes = ("<" + e.getMessage() + ">").getBytes(StandardCharsets.UTF_8);
                }
            }, "exec-sink");
            thread.setDaemon(true);
            thread.start();
        }

        String text() throws InterruptedException {
            thread.join(5_000);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
