package io.tandem.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The answers a {@link UdpPoller} saw, collected live from its output. {@link #size()} taken before
 * an action marks where to look for that action's effect.
 */
public final class PollerLog {
    /**
     * One answer: when (poller's millis), to which request, from which director, and when this
     * JVM read it ({@link System#nanoTime()}, for timing against actions the test takes).
     */
    public record Reply(long millis, long seq, String name, long readNanos) {
    }

    private final List<Reply> replies = new ArrayList<>();
    private volatile long lastReadNanos;

    PollerLog(Process poller) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(poller.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.split(" ");
                    if (f.length == 3) {
                        Reply reply = new Reply(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], System.nanoTime());
                        synchronized (replies) {
                            replies.add(reply);
                        }
                        lastReadNanos = System.nanoTime();
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // The poller ended.
            }
        }, "poller-log");
        t.setDaemon(true);
        t.start();
    }

    public int size() {
        synchronized (replies) {
            return replies.size();
        }
    }

    public List<Reply> replies() {
        synchronized (replies) {
            return List.copyOf(replies);
        }
    }

    /** How long ago (on this JVM's clock) the last answer arrived; -1 before the first. */
    public long millisSinceLastReply() {
        long t = lastReadNanos;
        return t == 0 ? -1 : (System.nanoTime() - t) / 1_000_000;
    }

    /** Who answered last, or null if nobody has yet. */
    public String lastName() {
        synchronized (replies) {
            return replies.isEmpty() ? null : replies.get(replies.size() - 1).name();
        }
    }

    /** Whether {@code name} answered at or after index {@code from}. */
    public boolean answeredSince(int from, String name) {
        return firstIndexOf(name, from) >= 0;
    }

    /**
     * The silence the client saw while the VIP moved: from the last answer before {@code to}'s first
     * answer at or after {@code from}, to that first answer.
     */
    public long gapMillisUntilFirst(String to, int from) {
        synchronized (replies) {
            int i = firstIndexOf(to, from);
            if (i <= 0) {
                throw new IllegalStateException(to + " never answered after reply #" + from);
            }
            return replies.get(i).millis() - replies.get(i - 1).millis();
        }
    }

    /** When (this JVM's nanoTime) {@code name} first answered at or after index {@code from}; -1 if not yet. */
    public long firstReadNanos(String name, int from) {
        synchronized (replies) {
            int i = firstIndexOf(name, from);
            return i < 0 ? -1 : replies.get(i).readNanos();
        }
    }

    private int firstIndexOf(String name, int from) {
        synchronized (replies) {
            for (int i = Math.max(0, from); i < replies.size(); i++) {
                if (replies.get(i).name().equals(name)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
