package io.tandem.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.tandem.config.LogSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Points tandemd's logs where ha.cf says, replacing what {@code logback.xml} set up for the first
 * lines of start-up. One line per event, the node name in each (a stack trace is folded onto its
 * event's line):
 *
 * <pre>
 *   no logfacility, or logfacility none   standard output (journald under systemd), INFO+
 *   logfacility FACILITY                  the syslog socket /dev/log instead of standard output
 *   logfile PATH                          appended to PATH, INFO+
 *   debugfile PATH                        appended to PATH, DEBUG+ (Tandem's own loggers)
 *   debug N (N &gt; 0)                      DEBUG+ also on standard output / syslog
 * </pre>
 *
 * <p>Other libraries stay at INFO (Netty at WARN) whatever {@code debug} says. The system property
 * {@value #SOCKET_PROPERTY} names another syslog socket than {@code /dev/log} (tests point it at
 * a syslog daemon of their own). {@link #apply} may be called again (reload): the new appenders
 * are attached before the old ones are detached, so no line is lost in between.
 */
public final class LogSetup {
    /** System property: the syslog socket path, default {@value #DEFAULT_SOCKET}. */
    public static final String SOCKET_PROPERTY = "tandem.syslog.socket";
    static final String DEFAULT_SOCKET = "/dev/log";
    /** The program name syslog lines carry. */
    static final String TAG = "tandemd";
    /** The message with its line breaks folded, then the stack trace (12 frames deep), if any, after " - ". */
    private static final String ONE_LINE = "%replace(%msg){'[\\r\\n]+', ' '}"
            + "%replace(%replace(%ex{12}){'\\s*[\\r\\n]+\\s*', ' | '}){'^(.+?)(?: \\| )?$', ' - $1'}%nopex";

    private LogSetup() {
    }

    /**
     * Reconfigures Logback for {@code settings}; log files are opened (created if missing) first,
     * so a file that cannot be written is an error here, and the running setup stays as it was.
     *
     * @throws IOException naming the directive and the path that cannot be appended to
     */
    public static void apply(LogSettings settings, String node) throws IOException {
        check(settings);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Level outputLevel = settings.debugLevel() > 0 ? Level.DEBUG : Level.INFO;
        List<Appender<ILoggingEvent>> next = new ArrayList<>();
        if (settings.facility() == null) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            next.add(start(context, console, "stdout", encoder(context, timestamped(node)), outputLevel));
        } else {
            PatternLayout layout = new PatternLayout();
            layout.setContext(context);
            layout.setPattern("[" + node + "] %logger{0}: " + ONE_LINE);
            layout.start();
            Path socket = Path.of(System.getProperty(SOCKET_PROPERTY, DEFAULT_SOCKET));
            SyslogSocketAppender syslog = new SyslogSocketAppender(socket, settings.facility(), TAG, layout);
            next.add(start(context, syslog, "syslog", null, outputLevel));
        }
        if (settings.logfile() != null) {
            next.add(start(context, file(settings.logfile()), "logfile", encoder(context, timestamped(node)), Level.INFO));
        }
        if (settings.debugfile() != null) {
            next.add(start(context, file(settings.debugfile()), "debugfile", encoder(context, timestamped(node)),
                    Level.DEBUG));
        }

        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> previous = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            previous.add(it.next());
        }
        next.forEach(root::addAppender);
        root.setLevel(Level.INFO);
        context.getLogger("io.tandem").setLevel(settings.anyDebug() ? Level.DEBUG : Level.INFO);
        context.getLogger("io.netty").setLevel(Level.WARN);
        for (Appender<ILoggingEvent> old : previous) {
            root.detachAppender(old);
            old.stop();
        }
    }

    /**
     * Checks that {@code settings} can be applied: the log files can be appended to (they are
     * created if missing). Changes nothing else.
     *
     * @throws IOException naming the directive and the path
     */
    public static void check(LogSettings settings) throws IOException {
        checkWritable("logfile", settings.logfile());
        checkWritable("debugfile", settings.debugfile());
    }

    /** What standard output and the files show: time, level, node, logger, message. */
    static String timestamped(String node) {
        return "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [" + node + "] %logger{0}: " + ONE_LINE + "%n";
    }

    private static FileAppender<ILoggingEvent> file(Path path) {
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setFile(path.toString());
        file.setAppend(true);
        return file;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    private static Appender<ILoggingEvent> start(LoggerContext context, Appender<ILoggingEvent> appender, String name,
            PatternLayoutEncoder encoder, Level threshold) {
        appender.setContext(context);
        appender.setName(name);
        if (encoder != null) {
            ((OutputStreamAppender<ILoggingEvent>) appender).setEncoder(encoder);
        }
        ThresholdFilter filter = new ThresholdFilter();
        filter.setLevel(threshold.toString());
        filter.start();
        appender.addFilter(filter);
        appender.start();
        return appender;
    }

    private static void checkWritable(String directive, Path path) throws IOException {
        if (path == null) {
            return;
        }
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.flush();
        } catch (IOException e) {
            throw new IOException("ha.cf " + directive + " " + path + ": cannot append to it: " + e, e);
        }
    }
}
