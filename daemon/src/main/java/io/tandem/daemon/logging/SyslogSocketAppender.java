package io.tandem.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.Layout;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import io.tandem.config.SyslogFacility;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends each log event as one datagram to the local syslog socket ({@code /dev/log}: journald's or
 * rsyslog's), the way {@code syslog(3)} does, so {@code logfacility} works as it did for Heartbeat:
 *
 * <pre>
 *   &lt;PRI&gt;Mmm dd hh:mm:ss TAG[PID]: MESSAGE
 *   PRI = facility * 8 + severity    (ERROR 3, WARN 4, INFO 6, DEBUG and TRACE 7)
 *   e.g. &lt;134&gt;Nov  6 09:14:03 tandemd[4711]: [d1] FailoverEngine: group g standby -&gt; starting: ...
 * </pre>
 *
 * <p>The socket is non-blocking and unconnected (every datagram names the path), so a log line
 * never waits for a slow or restarted syslog daemon — the sender may be the heartbeat loop.
 * A datagram the receiver cannot take now is dropped and counted; the first such failure is
 * reported once on standard error (logging about logging would loop), and a later success says
 * the socket answers again. Lines are cut at {@link #MAX_DATAGRAM_BYTES}, syslog's usual limit.
 */
final class SyslogSocketAppender extends AppenderBase<ILoggingEvent> {
    /** rsyslog's and journald's default maximum message size. */
    static final int MAX_DATAGRAM_BYTES = 8192;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

    private final Path socketPath;
    private final SyslogFacility facility;
    private final String tag;
    private final Layout<ILoggingEvent> layout;
    private final ZoneId zone = ZoneId.systemDefault();
    private final AtomicLong dropped = new AtomicLong();
    private Socket socket;
    private byte[] pathBytes;
    private ByteBuffer buffer;
    private boolean failing;

    /**
     * @param socketPath where the syslog daemon listens, normally {@code /dev/log}
     * @param tag        the program name in each line, e.g. {@code tandemd}
     * @param layout     renders the message part (after {@code TAG[PID]: })
     */
    SyslogSocketAppender(Path socketPath, SyslogFacility facility, String tag, Layout<ILoggingEvent> layout) {
        this.socketPath = socketPath;
        this.facility = facility;
        this.tag = tag + "[" + ProcessHandle.current().pid() + "]: ";
        this.layout = layout;
    }

    @Override
    public void start() {
        Epoll.ensureAvailability();
        socket = Socket.newSocketDomainDgram();
        pathBytes = socketPath.toString().getBytes(StandardCharsets.UTF_8);
        buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM_BYTES);
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                System.err.println("tandemd: closing the syslog socket: " + e.getMessage());
            }
        }
    }

    /** Datagrams the syslog socket did not take (missing, refused or full). */
    long dropped() {
        return dropped.get();
    }

    /** Called under {@link AppenderBase}'s lock: one event at a time, so the buffer is reused. */
    @Override
    protected void append(ILoggingEvent event) {
        int priority = facility.code() * 8 + severity(event.getLevel());
        String line = "<" + priority + ">" + TIMESTAMP.format(Instant.ofEpochMilli(event.getTimeStamp()).atZone(zone))
                + " " + tag + layout.doLayout(event);
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        int length = utf8Prefix(bytes, MAX_DATAGRAM_BYTES);
        buffer.clear();
        buffer.put(bytes, 0, length).flip();
        String problem = null;
        try {
            if (socket.sendToDomainSocket(buffer, 0, length, pathBytes) != length) {
                problem = "its buffer is full";
            }
        } catch (java.io.FileNotFoundException e) {
            problem = "no such socket";
        } catch (IOException e) {
            problem = e.toString();
        }
        if (problem == null) {
            if (failing) {
                failing = false;
                System.err.println("tandemd: syslog socket " + socketPath + " takes log lines again; " + dropped.get()
                        + " dropped so far");
            }
            return;
        }
        dropped.incrementAndGet();
        if (!failing) {
            failing = true;
            System.err.println("tandemd: syslog socket " + socketPath + " did not take a log line (" + problem
                    + "); lines are dropped until it does: " + line);
        }
    }

    /** The longest prefix of {@code bytes} of at most {@code max} bytes that ends on a character boundary. */
    static int utf8Prefix(byte[] bytes, int max) {
        if (bytes.length <= max) {
            return bytes.length;
        }
        int end = max;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return end;
    }

    static int severity(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }
}
