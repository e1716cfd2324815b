package io.tandem.daemon.logging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.config.LogSettings;
import io.tandem.config.SyslogFacility;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ha.cf's logging directives against a real rsyslogd and real files. */
@Timeout(60)
class LogSetupTest {
    private static final Logger LOG = LoggerFactory.getLogger(LogSetupTest.class);
    private static final Logger NETTY = LoggerFactory.getLogger("io.netty.SomeHandler");

    @TempDir
    Path dir;

    @AfterEach
    void backToStandardOutput() throws IOException {
        System.clearProperty(LogSetup.SOCKET_PROPERTY);
        LogSetup.apply(LogSettings.DEFAULT, "test");
    }

    @Test
    void shouldSendOneSyslogLinePerEventWithFacilitySeverityAndNodeName() throws Exception {
        try (SyslogDaemon rsyslog = SyslogDaemon.start(dir)) {
            System.setProperty(LogSetup.SOCKET_PROPERTY, rsyslog.socket().toString());
            LogSetup.apply(new LogSettings(SyslogFacility.LOCAL3, null, null, 0), "d1");

            LOG.info("group g standby -> starting: peer d2 dead");
            LOG.warn("late heartbeat\nsecond line of the same event");
            LOG.error("resource failed", new IllegalStateException("boom"));
            LOG.debug("not sent: debug is 0");

            long pid = ProcessHandle.current().pid();
            await().atMost(Duration.ofSeconds(10)).until(() -> rsyslog.lines().size() >= 3);
            List<String> lines = rsyslog.lines();
            assertEquals("local3 info tandemd " + pid + " [d1] LogSetupTest: group g standby -> starting: peer d2 dead",
                    lines.get(0));
            assertEquals("local3 warning tandemd " + pid + " [d1] LogSetupTest: late heartbeat second line of the same event",
                    lines.get(1));
            assertTrue(lines.get(2).startsWith("local3 err tandemd " + pid + " [d1] LogSetupTest: resource failed"
                    + " - java.lang.IllegalStateException: boom | at io.tandem.daemon.logging."
                    + "LogSetupTest.shouldSendOneSyslogLinePerEventWithFacilitySeverityAndNodeName"), lines.get(2));
            assertTrue(lines.get(2).endsWith(")"), "no separator after the last frame: " + lines.get(2));
            assertEquals(3, lines.size(), "DEBUG stays out of syslog at debug 0: " + lines);
        }
    }

    @Test
    void shouldSendDebugLinesToSyslogWhenDebugIsOn() throws Exception {
        try (SyslogDaemon rsyslog = SyslogDaemon.start(dir)) {
            System.setProperty(LogSetup.SOCKET_PROPERTY, rsyslog.socket().toString());
            LogSetup.apply(new LogSettings(SyslogFacility.DAEMON, null, null, 1), "d2");

            LOG.debug("probe sent");

            await().atMost(Duration.ofSeconds(10)).until(() -> !rsyslog.lines().isEmpty());
            assertEquals("daemon debug tandemd " + ProcessHandle.current().pid() + " [d2] LogSetupTest: probe sent",
                    rsyslog.lines().get(0));
        }
    }

    @Test
    void shouldDropLinesWithoutBlockingWhenNoSyslogDaemonListens() throws Exception {
        Path nobody = dir.resolve("no-such-socket");
        SyslogSocketAppender appender = new SyslogSocketAppender(nobody, SyslogFacility.USER, "tandemd",
                new ch.qos.logback.classic.PatternLayout());
        System.setProperty(LogSetup.SOCKET_PROPERTY, nobody.toString());
        LogSetup.apply(new LogSettings(SyslogFacility.USER, null, null, 0), "d1");

        LOG.info("goes nowhere");

        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        SyslogSocketAppender attached = (SyslogSocketAppender) root.getAppender("syslog");
        assertEquals(1, attached.dropped());
        assertEquals(0, appender.dropped());
    }

    @Test
    void shouldAppendInfoToLogfileAndDebugToDebugfile() throws Exception {
        Path logfile = dir.resolve("ha-log");
        Path debugfile = dir.resolve("ha-debug");
        Files.writeString(logfile, "kept from before\n");
        LogSetup.apply(new LogSettings(null, logfile, debugfile, 0), "d1");

        LOG.debug("only in the debug file");
        LOG.info("in both files");
        NETTY.info("libraries stay at their own level");

        List<String> log = Files.readAllLines(logfile);
        List<String> debug = Files.readAllLines(debugfile);
        assertEquals(2, log.size(), log.toString());
        assertEquals("kept from before", log.get(0));
        assertTrue(log.get(1).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[d1\\] LogSetupTest: in both files"),
                log.get(1));
        assertEquals(2, debug.size(), debug.toString());
        assertTrue(debug.get(0).endsWith("DEBUG [d1] LogSetupTest: only in the debug file"), debug.get(0));
        assertTrue(debug.get(1).endsWith("INFO  [d1] LogSetupTest: in both files"), debug.get(1));
    }

    @Test
    void shouldRefuseALogfileItCannotAppendToAndKeepLoggingAsBefore() throws Exception {
        Path before = dir.resolve("before.log");
        LogSetup.apply(new LogSettings(null, before, null, 0), "d1");
        Path impossible = dir.resolve("no-such-dir").resolve("ha-log");

        IOException e = assertThrows(IOException.class,
                () -> LogSetup.apply(new LogSettings(null, impossible, null, 0), "d1"));

        assertTrue(e.getMessage().startsWith("ha.cf logfile " + impossible + ": cannot append to it: "), e.getMessage());
        LOG.info("still here");
        assertTrue(Files.readString(before).contains("LogSetupTest: still here"));
    }
}
