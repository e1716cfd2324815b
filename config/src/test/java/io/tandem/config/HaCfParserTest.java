package io.tandem.config;

import static io.tandem.config.ConfigFixture.literal;
import static io.tandem.config.ConfigFixture.minimalHaCf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HaCfParserTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void writeLabConfig() {
        fixture = new ConfigFixture(dir);
    }

    // --- media ---

    @Test
    void shouldIgnoreUcastLinePointingAtOwnAddress() throws Exception {
        fixture.haCf("ucast eth0 198.51.100.1\nucast eth1 192.0.2.2\nnode d1 d2\n");

        List<UcastMedium> ucast = fixture.load().ha().ucast();

        assertEquals(List.of(new UcastMedium("eth1", literal("192.0.2.2"), 2)), ucast);
    }

    @Test
    void shouldKeepEveryUcastLinePointingAtPeer() throws Exception {
        fixture.haCf("node d1 d2\nucast eth0 198.51.100.2\nucast eth1 2001:db8::2\n");

        List<UcastMedium> ucast = fixture.load().ha().ucast();

        assertEquals(List.of(new UcastMedium("eth0", literal("198.51.100.2"), 2),
                new UcastMedium("eth1", literal("2001:db8::2"), 3)), ucast);
    }

    @Test
    void shouldRejectConfigWhoseOnlyUcastLinesNameOwnAddresses() {
        ConfigException e = fixture.haCfFails("node d1 d2\nucast eth0 198.51.100.1\nucast eth1 198.51.100.1\n");

        assertEquals(fixture.haCfError(3, "no heartbeat medium reaches the peer d2: every ucast line names an address"
                + " of this node d1; add ucast DEV PEER_IP"), e.getMessage());
    }

    @Test
    void shouldRejectConfigWithoutUcastLine() {
        ConfigException e = fixture.haCfFails("node d1 d2\n");

        assertEquals(fixture.haCfError(0, "no heartbeat medium reaches the peer d2: there is no ucast, bcast or mcast line;"
                + " add ucast DEV PEER_IP"), e.getMessage());
    }

    @Test
    void shouldRejectHostNameInUcastLine() {
        ConfigException e = fixture.haCfFails(minimalHaCf("ucast eth0 d2.example.net\n"));

        assertEquals(fixture.haCfError(3, "ucast ip=d2.example.net is not an IP address literal (Tandem does no DNS lookups)"),
                e.getMessage());
    }

    @Test
    void shouldRejectUcastLineWithoutAddress() {
        ConfigException e = fixture.haCfFails(minimalHaCf("ucast eth0\n"));

        assertEquals(fixture.haCfError(3, "directive 'ucast' takes 2 arguments (ucast DEV IP), got 1"), e.getMessage());
    }

    @Test
    void shouldRejectUcastLineWithBadDeviceName() {
        ConfigException e = fixture.haCfFails(minimalHaCf("ucast averyveryverylongname0 192.0.2.2\n"));

        assertEquals(fixture.haCfError(3, "ucast device=averyveryverylongname0 is not an interface name"), e.getMessage());
    }

    // --- nodes ---

    @Test
    void shouldAcceptNodesOnOneLineOrRepeatedDirectives() throws Exception {
        fixture.haCf("ucast eth0 198.51.100.2\nnode d1\nnode d2\n");

        assertEquals(List.of("d1", "d2"), fixture.load().ha().nodes());
    }

    @Test
    void shouldRejectMoreThanTwoNodes() {
        ConfigException e = fixture.haCfFails("ucast eth0 198.51.100.2\nnode d1 d2\nnode d3\n");

        assertEquals(fixture.haCfError(3, "nodes=[d1, d2, d3] must list exactly 2 directors, found 3"), e.getMessage());
    }

    @Test
    void shouldRejectSingleNode() {
        ConfigException e = fixture.haCfFails("ucast eth0 198.51.100.2\nnode d1\n");

        assertEquals(fixture.haCfError(2, "nodes=[d1] must list exactly 2 directors, found 1"), e.getMessage());
    }

    @Test
    void shouldRejectMissingNodeLine() {
        ConfigException e = fixture.haCfFails("ucast eth0 198.51.100.2\n");

        assertEquals(fixture.haCfError(0, "no node line; list both directors: node NAME1 NAME2"), e.getMessage());
    }

    @Test
    void shouldRejectNodeListedTwice() {
        ConfigException e = fixture.haCfFails("ucast eth0 198.51.100.2\nnode d1 d2\nnode d1\n");

        assertEquals(fixture.haCfError(3, "node d1 is listed twice (first on line 2)"), e.getMessage());
    }

    @Test
    void shouldRejectNodeDirectiveWithoutName() {
        ConfigException e = fixture.haCfFails(minimalHaCf("node\n"));

        assertEquals(fixture.haCfError(3, "directive 'node' needs at least 1 argument (node NAME...)"), e.getMessage());
    }

    @Test
    void shouldNameThisNodeAndListedNodesAndSuggestNodeOption() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixture.loadAs("lb1.example.net", ConfigFixture.D1_ADDRESS));

        assertEquals(fixture.haCfError(10, "this node=lb1.example.net is not one of nodes=[d1, d2];"
                + " pass --node d1 or --node d2 if the host name differs"), e.getMessage());
    }

    // --- timing ---

    @Test
    void shouldRejectDeadtimeNotAboveTwiceKeepalive() {
        ConfigException e = fixture.haCfFails(minimalHaCf("keepalive 150ms\ndeadtime 200ms\n"));

        assertEquals(fixture.haCfError(4, "deadtime=200ms must be > 2 x keepalive=150ms"), e.getMessage());
        assertEquals(4, e.line());
    }

    @Test
    void shouldRejectDeadtimeEqualToTwiceKeepalive() {
        ConfigException e = fixture.haCfFails(minimalHaCf("deadtime 1s\nkeepalive 0.5\n"));

        assertEquals(fixture.haCfError(3, "deadtime=1s must be > 2 x keepalive=500ms"), e.getMessage());
    }

    @Test
    void shouldBlameKeepaliveLineWhenDefaultDeadtimeIsTooShort() {
        ConfigException e = fixture.haCfFails(minimalHaCf("keepalive 600ms\n"));

        assertEquals(fixture.haCfError(3, "deadtime=1s (default) must be > 2 x keepalive=600ms"), e.getMessage());
    }

    @Test
    void shouldRejectWarntimeBelowKeepalive() {
        ConfigException e = fixture.haCfFails(minimalHaCf("keepalive 100ms\nwarntime 50ms\n"));

        assertEquals(fixture.haCfError(4, "warntime=50ms must be >= keepalive=100ms"), e.getMessage());
    }

    @Test
    void shouldRejectWarntimeNotBelowDeadtime() {
        ConfigException e = fixture.haCfFails(minimalHaCf("warntime 1s\n"));

        assertEquals(fixture.haCfError(3, "warntime=1s must be < deadtime=1s (default)"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"50ms, 250ms, 125ms", "1s, 3s, 1500ms", "1s, 2001ms, 1s", "200ms, 1s, 500ms", "1ms, 3ms, 1ms"})
    void shouldDefaultWarntimeToHalfDeadtimeInWholeMilliseconds(String keepalive, String deadtime, String warntime)
            throws Exception {
        fixture.haCf(minimalHaCf("keepalive " + keepalive + "\ndeadtime " + deadtime + "\n"));

        assertEquals(warntime, Durations.format(fixture.load().ha().warntime()));
    }

    @Test
    void shouldRejectInitdeadBelowDeadtime() {
        ConfigException e = fixture.haCfFails(minimalHaCf("deadtime 2s\ninitdead 1500ms\n"));

        assertEquals(fixture.haCfError(4, "initdead=1500ms must be >= deadtime=2s"), e.getMessage());
    }

    @Test
    void shouldAcceptInitdeadEqualToDeadtime() throws Exception {
        fixture.haCf(minimalHaCf("deadtime 2s\ninitdead 2\n"));

        assertEquals(Duration.ofSeconds(2), fixture.load().ha().initdead());
    }

    @Test
    void shouldDefaultInitdeadToTwiceDeadtime() throws Exception {
        fixture.haCf(minimalHaCf("deadtime 3s\n"));

        assertEquals(Duration.ofSeconds(6), fixture.load().ha().initdead());
    }

    @ParameterizedTest
    @CsvSource({
            "keepalive 0, 'keepalive=0 must be > 0'",
            "deadtime -1s, 'deadtime=-1s must be > 0'",
            "warntime soon, 'warntime=soon is not a time; write milliseconds (200ms), seconds (2s)"
                    + " or bare seconds (0.5)'",
            "initdead 5m, 'initdead=5m is not a time; write milliseconds (200ms), seconds (2s) or bare seconds (0.5)'",
            "garp_interval 0.0001, 'garp_interval=0.0001 must be a whole number of milliseconds'"})
    void shouldRejectZeroNegativeAndGarbageTimesWithTheLine(String line, String problem) {
        ConfigException e = fixture.haCfFails(minimalHaCf(line + "\n"));

        assertEquals(fixture.haCfError(3, problem), e.getMessage());
    }

    // --- other values ---

    @Test
    void shouldParseClusterPortAndGarpSettings() throws Exception {
        fixture.haCf(minimalHaCf("cluster lab\nudpport 6940\ngarp_count 3\ngarp_interval 0.5\n"));

        HaConfig ha = fixture.load().ha();

        assertEquals("lab", ha.clusterName());
        assertEquals(6940, ha.udpPort());
        assertEquals(3, ha.garpCount());
        assertEquals(Duration.ofMillis(500), ha.garpInterval());
    }

    @ParameterizedTest
    @CsvSource({
            "udpport 0, 'udpport=0 must be in 1..65535'",
            "udpport 65536, 'udpport=65536 must be in 1..65535'",
            "udpport 99999999999999999999, 'udpport=99999999999999999999 must be in 1..65535'",
            "udpport ha, 'udpport=ha is not a whole number'",
            "garp_count 0, 'garp_count=0 must be in 1..100'",
            "garp_count 101, 'garp_count=101 must be in 1..100'"})
    void shouldRejectNumbersOutOfRange(String line, String problem) {
        ConfigException e = fixture.haCfFails(minimalHaCf(line + "\n"));

        assertEquals(fixture.haCfError(3, problem), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"on, true", "true, true", "yes, true", "ON, true", "off, false", "false, false", "no, false"})
    void shouldAcceptAutoFailbackSpellings(String value, boolean expected) throws Exception {
        fixture.haCf(minimalHaCf("auto_failback " + value + "\n"));

        assertEquals(expected, fixture.load().ha().autoFailback());
    }

    @Test
    void shouldRejectLegacyAutoFailback() {
        ConfigException e = fixture.haCfFails(minimalHaCf("auto_failback legacy\n"));

        assertEquals(fixture.haCfError(3, "auto_failback=legacy must be on or off"), e.getMessage());
    }

    // --- directives ---

    @Test
    void shouldNameFileAndLineForUnknownDirective() {
        ConfigException e = fixture.haCfFails("node d1 d2\nucast eth0 198.51.100.2\n\n# comment\n\n\nfoo bar\n");

        assertEquals(dir.resolve("ha.cf") + ":7: unknown directive 'foo'", e.getMessage());
        assertEquals(dir.resolve("ha.cf"), e.file());
        assertEquals(7, e.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mcast6 eth0 ff02::1:2 694 1 0", "ucast6 eth0 2001:db8::2",
            "stonith baytech /etc/ha.d/conf/stonith.baytech",
            "stonith_host * baytech 10.0.0.3", "watchdog /dev/watchdog"})
    void shouldRejectDirectivesThatWouldChangeBehaviour(String line) {
        ConfigException e = fixture.haCfFails(minimalHaCf(line + "\n"));

        String directive = line.split(" ")[0];
        assertEquals(fixture.haCfError(3, "directive '" + directive + "' is not supported yet"), e.getMessage());
    }

    // --- failover policy ---

    @Test
    void shouldParsePingNodesPingGroupsAndTheirInterval() throws Exception {
        fixture.haCf(minimalHaCf("ping 198.51.100.254 198.51.100.253\nping_group routers 198.51.100.251 198.51.100.252\n"
                + "ping_interval 500ms\n"));

        FailoverPolicy policy = fixture.load().ha().policy();

        assertEquals(3, policy.pingNodes().size());
        assertEquals(new FailoverPolicy.PingGroup("198.51.100.254", List.of(literal("198.51.100.254")), 3),
                policy.pingNodes().get(0));
        assertEquals(List.of(literal("198.51.100.251"), literal("198.51.100.252")), policy.pingNodes().get(2).addresses());
        assertEquals(java.time.Duration.ofMillis(500), policy.pingInterval());
    }

    @Test
    void shouldParseFenceAndNotifyCommandsAndFailbackDelay() throws Exception {
        fixture.haCf(minimalHaCf("fence_command /usr/local/sbin/ipmi-off --hard\nnotify_command /etc/tandem/notify\n"
                + "auto_failback on\nauto_failback_delay 30s\n"));

        FailoverPolicy policy = fixture.load().ha().policy();

        assertEquals(List.of("/usr/local/sbin/ipmi-off", "--hard"), policy.fenceCommand());
        assertEquals(List.of("/etc/tandem/notify"), policy.notifyCommand());
        assertEquals(java.time.Duration.ofSeconds(30), policy.autoFailbackDelay());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ping not-an-ip | ping ip=not-an-ip is not an IP address literal (Tandem does no DNS lookups)",
        "ping_group routers | directive 'ping_group' needs at least 2 arguments (ping_group NAME IP...)",
        "fence_command ipmi-off | directive 'fence_command' needs an absolute command path and optional arguments "
                + "(fence_command /path/to/cmd ARG...)"})
    void shouldRejectBadPolicyLinesWithTheirLine(String line, String problem) {
        ConfigException e = fixture.haCfFails(minimalHaCf(line + "\n"));

        assertEquals(fixture.haCfError(3, problem), e.getMessage());
    }

    @Test
    void shouldWarnAboutHarmlessHeartbeatDirective() throws Exception {
        fixture.haCf(minimalHaCf("use_logd yes\ncoredumps true\ncompression bz2\n"));

        assertEquals(List.of(
                "ha.cf:3: directive 'use_logd' is not used by Tandem yet; ignored",
                "ha.cf:4: directive 'coredumps' is not used by Tandem yet; ignored",
                "ha.cf:5: directive 'compression' is not used by Tandem yet; ignored"),
                fixture.load().warnings());
    }

    // --- logging and metrics ---

    @Test
    void shouldLogToStandardOutputOnlyAndServeNoMetricsByDefault() throws Exception {
        HaConfig ha = fixture.load().ha();

        assertEquals(LogSettings.DEFAULT, ha.logging());
        assertEquals(null, ha.metricsAddress());
    }

    @Test
    void shouldReadHeartbeatLoggingDirectives() throws Exception {
        fixture.haCf(minimalHaCf("logfacility local0\nlogfile /var/log/ha-log\ndebugfile /var/log/ha-debug\ndebug 1\n"));

        ClusterConfig config = fixture.load();

        assertEquals(new LogSettings(SyslogFacility.LOCAL0, Path.of("/var/log/ha-log"), Path.of("/var/log/ha-debug"), 1),
                config.ha().logging());
        assertEquals(List.of(), config.warnings());
    }

    @ParameterizedTest
    @CsvSource({"daemon, DAEMON", "LOCAL7, LOCAL7", "authpriv, AUTHPRIV"})
    void shouldAcceptSyslogFacilityNames(String name, SyslogFacility facility) throws Exception {
        fixture.haCf(minimalHaCf("logfacility " + name + "\n"));

        assertEquals(facility, fixture.load().ha().logging().facility());
    }

    @Test
    void shouldTurnSyslogOffWithFacilityNone() throws Exception {
        fixture.haCf(minimalHaCf("logfacility none\n"));

        assertEquals(null, fixture.load().ha().logging().facility());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "logfacility local8 | logfacility=local8 is not a syslog facility; use one of [kern, user, mail, daemon, auth, "
                + "syslog, lpr, news, uucp, cron, authpriv, ftp, local0, local1, local2, local3, local4, local5, "
                + "local6, local7] or none",
        "logfile ha-log | logfile=ha-log must be an absolute path",
        "debugfile | directive 'debugfile' takes 1 argument (debugfile PATH), got 0",
        "debug 256 | debug=256 must be in 0..255",
        "metrics_address 127.0.0.1 | metrics_address=127.0.0.1 has no port; write IP:PORT, e.g. 127.0.0.1:9694",
        "metrics_address ::1:9694 | metrics_address=::1:9694 must be IP:PORT; write an IPv6 address in brackets, "
                + "e.g. [::1]:9694",
        "metrics_address localhost:9694 | metrics_address=localhost:9694 is not an IP address literal with a port "
                + "(Tandem does no DNS lookups)",
        "metrics_address 127.0.0.1:0 | metrics_address port=0 must be in 1..65535",
        "metrics_address 0.0.0.0:9694 | metrics_address=0.0.0.0:9694 would listen on every address; name a loopback "
                + "or local address, e.g. 127.0.0.1:9694",
        "metrics_address 198.51.100.2:9694 | metrics_address=198.51.100.2:9694 must be a loopback address or an "
                + "address of this node"})
    void shouldRejectBadLoggingAndMetricsLinesWithTheirLine(String line, String problem) {
        ConfigException e = fixture.haCfFails(minimalHaCf(line + "\n"));

        assertEquals(fixture.haCfError(3, problem), e.getMessage());
    }

    @Test
    void shouldRejectLogfacilitySetTwice() {
        ConfigException e = fixture.haCfFails(minimalHaCf("logfacility local0\nlogfacility none\n"));

        assertEquals(fixture.haCfError(4, "logfacility is set twice (first on line 3)"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"127.0.0.1:9694 | 127.0.0.1 | 9694", "[::1]:9100 | ::1 | 9100",
        "198.51.100.1:9694 | 198.51.100.1 | 9694"})
    void shouldAcceptLoopbackOrOwnMetricsAddress(String text, String ip, int port) throws Exception {
        fixture.haCf(minimalHaCf("metrics_address " + text + "\n"));

        assertEquals(new java.net.InetSocketAddress(literal(ip), port), fixture.load().ha().metricsAddress());
    }

    @Test
    void shouldWarnAboutCrmOff() throws Exception {
        fixture.haCf(minimalHaCf("crm off\n"));

        assertEquals(List.of("ha.cf:3: directive 'crm' is not used by Tandem yet; ignored"),
                fixture.load().warnings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "on", "respawn"})
    void shouldRejectCrmEnabled(String value) {
        ConfigException e = fixture.haCfFails(minimalHaCf("crm " + value + "\n"));

        assertEquals(fixture.haCfError(3, "directive 'crm " + value + "' is not supported yet;"
                + " Tandem runs haresources groups only, so set crm no"), e.getMessage());
    }

    @Test
    void shouldRejectMissingArgument() {
        ConfigException e = fixture.haCfFails(minimalHaCf("keepalive\n"));

        assertEquals(fixture.haCfError(3, "directive 'keepalive' takes 1 argument (keepalive TIME), got 0"), e.getMessage());
    }

    @Test
    void shouldRejectTooManyArguments() {
        ConfigException e = fixture.haCfFails(minimalHaCf("deadtime 1s 2s\n"));

        assertEquals(fixture.haCfError(3, "directive 'deadtime' takes 1 argument (deadtime TIME), got 2"), e.getMessage());
    }

    @Test
    void shouldRejectDirectiveSetTwice() {
        ConfigException e = fixture.haCfFails(minimalHaCf("deadtime 1s\n\ndeadtime 2s\n"));

        assertEquals(fixture.haCfError(5, "deadtime is set twice (first on line 3)"), e.getMessage());
    }

    @Test
    void shouldStripCommentsAtEndOfLine() throws Exception {
        fixture.haCf(minimalHaCf("deadtime 2s # two seconds\n"));

        ClusterConfig config = fixture.load();

        assertEquals(Duration.ofSeconds(2), config.ha().deadtime());
        assertTrue(config.warnings().isEmpty());
    }
}
