package io.tandem.config;

import static io.tandem.config.ConfigFixture.literal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tandem.config.director.CheckSpec;
import io.tandem.config.director.DirectorConfig;
import io.tandem.config.director.Globals;
import io.tandem.config.director.RealServerSpec;
import io.tandem.config.director.VirtualServiceSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectorCfParserTest {
    static final String ULTRAMONKEY = """
            # Global Directives
            checktimeout=10
            checkinterval=2
            autoreload=no
            logfile="local0"
            quiescent=yes

            # A sample virtual with a fallback that will override the global setting
            virtual=198.51.100.10:80
            	real=198.51.100.21:80 gate
            	real=198.51.100.22:80 gate 3
            	fallback=127.0.0.1:80 gate
            	service=http
            	request="index.html"
            	receive="Test Page"
            	virtualhost=some.domain.com.au
            	scheduler=rr
            	persistent=600
            	netmask=255.255.255.255
            	protocol=tcp
            	checktype=negotiate
            """;

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("director.cf");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private DirectorConfig load(String text) throws Exception {
        return DirectorCfParser.load(write(text));
    }

    private VirtualServiceSpec only(String text) throws Exception {
        List<VirtualServiceSpec> services = load(text).services();
        assertEquals(1, services.size());
        return services.get(0);
    }

    private void assertRejected(String text, int line, String problem) throws IOException {
        Path file = write(text);
        ConfigException e = assertThrows(ConfigException.class, () -> DirectorCfParser.load(file));
        assertEquals(file + ":" + line + ": " + problem, e.getMessage());
        assertEquals(line, e.line());
    }

    private static String block(String... lines) {
        StringBuilder b = new StringBuilder("virtual=198.51.100.10:80\n");
        for (String line : lines) {
            b.append('\t').append(line).append('\n');
        }
        return b.toString();
    }

    // --- the typical example

    @Test
    void shouldLoadTheUltraMonkeyExampleUnchanged() throws Exception {
        DirectorConfig config = load(ULTRAMONKEY);

        Globals g = config.globals();
        assertEquals(Duration.ofSeconds(10), g.checktimeout());
        assertEquals(Duration.ofSeconds(2), g.checkinterval());
        assertEquals(false, g.autoreload());
        assertEquals("local0", g.logfile());
        assertEquals(true, g.quiescent());
        assertEquals(dir.resolve("director.cf"), config.file());

        VirtualServiceSpec v = config.services().get(0);
        assertEquals(literal("198.51.100.10"), v.vip());
        assertEquals(80, v.port());
        assertEquals(0, v.fwmark());
        assertEquals("tcp", v.protocol());
        assertEquals("rr", v.scheduler());
        assertEquals(Duration.ofSeconds(600), v.persistent());
        assertEquals(32, v.netmaskPrefix());
        assertNull(v.quiescent());
        assertEquals(9, v.line());
        assertEquals(new RealServerSpec(literal("127.0.0.1"), 80, "gate", 1, null, null, 12), v.fallback());
        assertEquals(List.of(
                new RealServerSpec(literal("198.51.100.21"), 80, "gate", 1, null, null, 10),
                new RealServerSpec(literal("198.51.100.22"), 80, "gate", 3, null, null, 11)), v.reals());
        assertEquals(new CheckSpec("negotiate", "http", "index.html", "Test Page", "some.domain.com.au", null, null,
                null, null, null, Map.of()), v.check());
    }

    @Test
    void shouldApplyLdirectordDefaultsWhenNothingIsSet() throws Exception {
        DirectorConfig config = load("virtual=198.51.100.10:443\n    real=198.51.100.21 masq\n");

        assertEquals(Globals.DEFAULTS, config.globals());
        VirtualServiceSpec v = config.services().get(0);
        assertEquals("wrr", v.scheduler());
        assertEquals("tcp", v.protocol());
        assertEquals(Duration.ZERO, v.persistent());
        assertNull(v.fallback());
        assertEquals(new RealServerSpec(literal("198.51.100.21"), 443, "masq", 1, null, null, 2), v.reals().get(0));
    }

    @Test
    void shouldParseEveryGlobalDirective() throws Exception {
        Globals g = load("""
                checktimeout=3
                negotiatetimeout=7
                connecttimeout=4
                checkinterval=5
                failurecount=2
                fallback=127.0.0.1:8080 masq
                autoreload=yes
                callback="/usr/local/bin/sync-peer"
                logfile=/var/log/ldirectord.log
                emailalert="root@example.com"
                emailalertfreq=3600
                emailalertstatus=down,inserting
                emailalertfrom=director@example.com
                quiescent=no
                cleanstop=no
                maintenancedir=/etc/ha.d/maint
                fork=yes
                supervised=yes
                smtp=192.0.2.25
                execute=other.cf
                execute=third.cf
                """).globals();

        assertEquals(new Globals(Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ofSeconds(4),
                Duration.ofSeconds(5), 2, new RealServerSpec(literal("127.0.0.1"), 8080, "masq", 1, null, null, 6),
                true, "/usr/local/bin/sync-peer", "/var/log/ldirectord.log", "root@example.com",
                Duration.ofSeconds(3600), "down,inserting", "director@example.com", false, false, "/etc/ha.d/maint",
                true, true, "192.0.2.25", List.of("other.cf", "third.cf")), g);
    }

    @Test
    void shouldParseEveryCheckDirectiveOfABlock() throws Exception {
        VirtualServiceSpec v = only(block("real=198.51.100.21:3306 gate", "service=mysql", "checktype=3",
                "checkport=3307", "checktimeout=4", "negotiatetimeout=6", "checkinterval=8", "failurecount=2",
                "login=\"monitor\"", "passwd=\"s3cret word\"", "database=health", "secret=radius",
                "httpmethod=HEAD", "emailalert=ops@example.com", "checkcommand=\"/bin/check --fast\"",
                "cleanstop=no", "ops=yes", "quiescent=no"));

        assertEquals(new CheckSpec("3", "mysql", null, null, null, 3307, Duration.ofSeconds(4),
                Duration.ofSeconds(6), Duration.ofSeconds(8), 2, Map.of("login", "monitor", "passwd", "s3cret word",
                        "database", "health", "secret", "radius", "httpmethod", "HEAD",
                        "emailalert", "ops@example.com", "checkcommand", "/bin/check --fast", "cleanstop", "no",
                        "ops", "yes")), v.check());
        assertEquals(false, v.quiescent());
        assertEquals(3306, v.reals().get(0).port());
    }

    @Test
    void shouldKeepTheEmailLabelsServicenameAndCommentAsOtherDirectives() throws Exception {
        VirtualServiceSpec v = only(block("servicename=Web Site", "comment=Test load balanced web site",
                "real=198.51.100.21:80 gate"));

        assertEquals(Map.of("servicename", "Web Site", "comment", "Test load balanced web site"), v.check().other());
    }

    @Test
    void shouldKeepSeveralVirtualServicesInFileOrderWithGlobalsBetweenThem() throws Exception {
        DirectorConfig config = load("""
                virtual=198.51.100.10:80
                	real=198.51.100.21:80 gate
                checkinterval=4
                virtual=198.51.100.10:80
                	protocol=udp
                	real=198.51.100.21:80 gate
                """);

        assertEquals(List.of("tcp", "udp"), config.services().stream().map(VirtualServiceSpec::protocol).toList());
        assertEquals(List.of(1, 4), config.services().stream().map(VirtualServiceSpec::line).toList());
        assertEquals(Duration.ofSeconds(4), config.globals().checkinterval());
    }

    // --- quoting and comments

    @Test
    void shouldParseQuotedRequestAndReceiveOnARealLine() throws Exception {
        VirtualServiceSpec v = only(block("real=198.51.100.21:8080 masq 5 \".healthcheck.html\", \"OKAY # fine\""));

        assertEquals(new RealServerSpec(literal("198.51.100.21"), 8080, "masq", 5, ".healthcheck.html",
                "OKAY # fine", 2), v.reals().get(0));
    }

    @Test
    void shouldAcceptRequestAndReceiveWithoutCommaAndWithoutWeight() throws Exception {
        RealServerSpec real = only(block("real=198.51.100.21 ipip \"/\" \"200 OK\"")).reals().get(0);

        assertEquals(new RealServerSpec(literal("198.51.100.21"), 80, "ipip", 1, "/", "200 OK", 2), real);
    }

    @Test
    void shouldStripCommentsOutsideQuotesOnly() throws Exception {
        CheckSpec check = only(block("receive=\"a#b\"   # trailing comment", "# a whole comment line",
                "request=index.html# no space")).check();

        assertEquals("a#b", check.receive());
        assertEquals("index.html", check.request());
    }

    @Test
    void shouldRejectAnUnterminatedQuote() throws IOException {
        assertRejected(block("receive=\"Test Page"), 2, "unterminated double quote in 'receive=\"Test Page'");
    }

    // --- indentation

    @Test
    void shouldAcceptSpacesOrTabsAsIndentationAndBlankLinesInsideABlock() throws Exception {
        VirtualServiceSpec v = only("virtual=198.51.100.10:80\n    real=198.51.100.21 gate\n\n"
                + "\t  real=198.51.100.22 gate\n \tscheduler=lc\n");

        assertEquals(2, v.reals().size());
        assertEquals("lc", v.scheduler());
    }

    @Test
    void shouldRejectABlockLineBeforeAnyVirtual() throws IOException {
        assertRejected("checktimeout=5\n\treal=198.51.100.21:80 gate\n", 2,
                "real=198.51.100.21:80 gate is indented but no virtual= precedes it");
    }

    @Test
    void shouldRejectABlockDirectiveAtColumnZero() throws IOException {
        assertRejected("virtual=198.51.100.10:80\nreal=198.51.100.21:80 gate\n", 2,
                "real=198.51.100.21:80 gate belongs in a virtual= block and must be indented");
    }

    @Test
    void shouldRejectAnIndentedVirtual() throws IOException {
        assertRejected(block("real=198.51.100.21 gate") + "  virtual=198.51.100.11:80\n", 3,
                "virtual=198.51.100.11:80 must start at column 0");
    }

    @Test
    void shouldRejectAGlobalOnlyDirectiveInsideABlock() throws IOException {
        assertRejected(block("autoreload=yes"), 2, "autoreload= is a global directive and must start at column 0");
    }

    @Test
    void shouldEndTheBlockAtAColumnZeroGlobal() throws IOException {
        assertRejected(block("real=198.51.100.21 gate") + "quiescent=no\nscheduler=rr\n", 4,
                "scheduler=rr belongs in a virtual= block and must be indented");
    }

    // --- virtual service forms

    @Test
    void shouldParseAnIPv6Virtual() throws Exception {
        VirtualServiceSpec v = only("virtual=[2001:db8::1]:443\n\treal=[2001:db8::21]:8443 masq 2\n"
                + "\treal=[2001:db8::22] gate\n\tnetmask=64\n\tfallback=[::1]\n");

        assertEquals(literal("2001:db8::1"), v.vip());
        assertEquals(443, v.port());
        assertEquals(64, v.netmaskPrefix());
        assertEquals(List.of(new RealServerSpec(literal("2001:db8::21"), 8443, "masq", 2, null, null, 2),
                new RealServerSpec(literal("2001:db8::22"), 443, "gate", 1, null, null, 3)), v.reals());
        assertEquals(new RealServerSpec(literal("::1"), 443, "gate", 1, null, null, 5), v.fallback());
    }

    @Test
    void shouldDefaultAnIPv6VirtualToA128BitNetmask() throws Exception {
        assertEquals(128, only("virtual=[2001:db8::1]:80\n\treal=[2001:db8::21] gate\n").netmaskPrefix());
    }

    @Test
    void shouldRejectAnUnbracketedIPv6Virtual() throws IOException {
        assertRejected("virtual=2001:db8::1:80\n", 1,
                "virtual=2001:db8::1:80: write an IPv6 address in brackets, e.g. [2001:db8::1]:80");
    }

    @Test
    void shouldRejectMixingAddressFamilies() throws IOException {
        assertRejected("virtual=[2001:db8::1]:80\n\treal=198.51.100.21 gate\n", 2,
                "real=198.51.100.21 is not the same address family as virtual=[2001:db8::1]:80");
    }

    @Test
    void shouldParseAFirewallMarkVirtual() throws Exception {
        VirtualServiceSpec v = only("virtual=7\n\treal=198.51.100.21 gate\n\treal=198.51.100.22:80 gate\n"
                + "\tpersistent=300\n");

        assertNull(v.vip());
        assertEquals(0, v.port());
        assertEquals(7, v.fwmark());
        assertEquals("fwm", v.protocol());
        assertEquals(List.of(0, 80), v.reals().stream().map(RealServerSpec::port).toList());
        assertEquals(32, v.netmaskPrefix());
    }

    @Test
    void shouldRejectTcpForAFirewallMarkVirtual() throws IOException {
        assertRejected("virtual=7\n\tprotocol=tcp\n", 2,
                "protocol=tcp does not fit virtual=7, a firewall mark service (use protocol=fwm)");
    }

    @Test
    void shouldRejectFwmForAnAddressVirtual() throws IOException {
        assertRejected(block("protocol=fwm"), 2,
                "protocol=fwm needs a firewall mark virtual= (a number), not an address and port");
    }

    @Test
    void shouldRejectFirewallMarkZero() throws IOException {
        assertRejected("virtual=0\n", 1, "virtual=0 firewall mark must be 1..4294967295");
    }

    @Test
    void shouldRejectAVirtualWithoutPort() throws IOException {
        assertRejected("virtual=198.51.100.10\n", 1, "virtual=198.51.100.10 needs a port: ADDRESS:PORT");
    }

    @Test
    void shouldRejectAHostNameVirtual() throws IOException {
        assertRejected("virtual=www.example.com:80\n", 1,
                "virtual=www.example.com:80: www.example.com is not an IPv4 address (host names are not resolved)");
    }

    @Test
    void shouldRejectADuplicateVirtualServiceNamingBothLines() throws IOException {
        assertRejected(block("real=198.51.100.21 gate") + "\nvirtual=198.51.100.10:80\n\treal=198.51.100.22 gate\n",
                4, "virtual=198.51.100.10:80 (tcp) is already defined on line 1");
    }

    @Test
    void shouldRejectADuplicateFirewallMark() throws IOException {
        assertRejected("virtual=7\nvirtual=7\n", 2, "virtual=7 (fwm) is already defined on line 1");
    }

    // --- rejections

    @ParameterizedTest
    @ValueSource(strings = {"lblc", "lblcr"})
    void shouldRejectLocalityBasedSchedulersAsNotSupportedYet(String scheduler) throws IOException {
        assertRejected(block("real=198.51.100.21 gate", "scheduler=" + scheduler), 3,
                "scheduler=" + scheduler + " is not supported yet");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rr", "wrr", "lc", "wlc", "dh", "sh", "sed", "nq", "mh"})
    void shouldAcceptEverySupportedScheduler(String scheduler) throws Exception {
        assertEquals(scheduler, only(block("scheduler=" + scheduler)).scheduler());
    }

    @Test
    void shouldRejectAnUnknownScheduler() throws IOException {
        assertRejected(block("scheduler=fifo"), 2,
                "scheduler=fifo is not one of rr, wrr, lc, wlc, dh, sh, sed, nq, mh");
    }

    @Test
    void shouldRejectAnUnknownGlobalDirective() throws IOException {
        assertRejected("checktimeout=5\nkeepalive=2\n", 2, "unknown directive keepalive=");
    }

    @Test
    void shouldRejectAnUnknownBlockDirective() throws IOException {
        assertRejected(block("weight=3"), 2, "unknown directive weight= in a virtual= block");
    }

    @Test
    void shouldRejectALineThatIsNotADirective() throws IOException {
        assertRejected("checktimeout 5\n", 1, "'checktimeout 5' is not a directive=value line");
    }

    @Test
    void shouldRejectAnUnknownForwardingMethod() throws IOException {
        assertRejected(block("real=198.51.100.21:80 tunnel"), 2,
                "real= forwarding method 'tunnel' is not one of gate, masq, ipip");
    }

    @Test
    void shouldRejectARealWithoutForwardingMethod() throws IOException {
        assertRejected(block("real=198.51.100.21:80"), 2,
                "real=198.51.100.21:80 names no forwarding method; use gate|masq|ipip");
    }

    @Test
    void shouldRejectRealServerRanges() throws IOException {
        assertRejected(block("real=198.51.100.21->198.51.100.29:80 gate"), 2,
                "real=198.51.100.21->198.51.100.29:80: address ranges (IP->IP) are not supported; "
                        + "list each real server");
    }

    @Test
    void shouldAcceptWeightsFromZeroTo65535() throws Exception {
        VirtualServiceSpec v = only(block("real=198.51.100.21 gate 0", "real=198.51.100.22 gate 65535"));

        assertEquals(List.of(0, 65535), v.reals().stream().map(RealServerSpec::weight).toList());
    }

    @Test
    void shouldRejectAWeightAbove65535() throws IOException {
        assertRejected(block("real=198.51.100.21 gate 65536"), 2, "real= weight 65536 must be 0..65535");
    }

    @Test
    void shouldRejectPortZero() throws IOException {
        assertRejected(block("real=198.51.100.21:0 gate"), 2, "real=198.51.100.21:0: port must be 1..65535");
    }

    @Test
    void shouldRejectAPortAbove65535() throws IOException {
        assertRejected("virtual=198.51.100.10:65536\n", 1, "virtual=198.51.100.10:65536: port must be 1..65535");
    }

    @Test
    void shouldRejectANamedPort() throws IOException {
        assertRejected(block("checkport=http"), 2,
                "checkport=http: port must be a number 1..65535 (service names are not supported)");
    }

    @Test
    void shouldRejectAnUnknownFallbackMethod() throws IOException {
        assertRejected(block("fallback=127.0.0.1:80 direct"), 2,
                "fallback= forwarding method 'direct' is not one of gate, masq, ipip");
    }

    @Test
    void shouldRejectAnUnknownService() throws IOException {
        assertRejected(block("service=gopher"), 2, "service=gopher is not one of http, https, ftp, smtp, pop, "
                + "pops, imap, imaps, nntp, ldap, dns, mysql, pgsql, radius, sip, none, simpletcp");
    }

    @Test
    void shouldRejectAnUnknownChecktype() throws IOException {
        assertRejected(block("checktype=combined"), 2, "checktype=combined is not one of connect, negotiate, ping, "
                + "external, on, off or a number of connect checks");
    }

    @Test
    void shouldRejectANonContiguousNetmask() throws IOException {
        assertRejected(block("netmask=255.0.255.0"), 2, "netmask=255.0.255.0 is not a contiguous netmask");
    }

    @Test
    void shouldAcceptANetmaskAsDottedQuadOrPrefix() throws Exception {
        assertEquals(24, only(block("netmask=255.255.255.0")).netmaskPrefix());
        assertEquals(16, only(block("netmask=16")).netmaskPrefix());
    }

    @Test
    void shouldRejectATimeThatIsNotWholeSeconds() throws IOException {
        assertRejected("checktimeout=2.5\n", 1, "checktimeout=2.5 must be whole seconds 1..86400");
    }

    @Test
    void shouldRejectABadYesNo() throws IOException {
        assertRejected("quiescent=maybe\n", 1, "quiescent=maybe is not one of yes, no");
    }

    @Test
    void shouldRejectARepeatedGlobal() throws IOException {
        assertRejected("checkinterval=2\ncheckinterval=3\n", 2, "checkinterval= is already set on line 1");
    }

    @Test
    void shouldRejectARepeatedBlockDirective() throws IOException {
        assertRejected(block("scheduler=rr", "scheduler=wlc"), 3,
                "scheduler= is already set on line 2 in this virtual= block");
    }

    @Test
    void shouldRejectAMissingFileForTheWholeFile() {
        Path missing = dir.resolve("director.cf");
        ConfigException e = assertThrows(ConfigException.class, () -> DirectorCfParser.load(missing));

        assertEquals(missing + ": file not found", e.getMessage());
        assertEquals(0, e.line());
    }

    @Test
    void shouldLoadAnEmptyFileAsNoServices() throws Exception {
        DirectorConfig config = load("# nothing yet\n");

        assertEquals(List.of(), config.services());
        assertEquals(Globals.DEFAULTS, config.globals());
    }
    @Test
    void shouldRejectTheSameIPv6VirtualSpelledDifferently() throws IOException {
        assertRejected("virtual=[2001:db8::1]:80\nvirtual=[2001:db8:0:0::1]:80\n", 2,
                "virtual=[2001:db8:0:0::1]:80 (tcp) is already defined on line 1");
    }

    @Test
    void shouldRejectTheSameRealServerTwiceInABlock() throws IOException {
        assertRejected(block("real=198.51.100.21 gate", "real=198.51.100.21:80 masq 2"), 3,
                "real=198.51.100.21:80 is already listed on line 2");
    }

    @Test
    void shouldReportAnUnreadableFileForTheWholeFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> DirectorCfParser.load(dir));

        assertEquals(dir + ": cannot read: is a directory", e.getMessage());
        assertEquals(0, e.line());
    }

    @Test
    void shouldAcceptTandemsRiseFallHttpstatusAndVerifycert() throws Exception {
        VirtualServiceSpec v = only(block("real=198.51.100.21:80 gate", "service=https", "rise=3", "fall=2",
                "httpstatus=204", "verifycert=yes"));
        assertEquals("3", v.check().other().get("rise"));
        assertEquals("2", v.check().other().get("fall"));
        assertEquals("204", v.check().other().get("httpstatus"));
        assertEquals("yes", v.check().other().get("verifycert"));
    }

    @Test
    void shouldRejectARiseOrFallThatIsNotAPositiveNumber() throws IOException {
        assertRejected(block("rise=0"), 2, "rise=0 must be a whole number >= 1");
        assertRejected(block("real=198.51.100.21:80 gate", "fall=two"), 3, "fall=two must be a whole number >= 1");
    }

    @Test
    void shouldRejectARepeatedRise() throws IOException {
        Path file = write(block("rise=2", "rise=3"));
        ConfigException e = assertThrows(ConfigException.class, () -> DirectorCfParser.load(file));
        assertEquals(3, e.line());
    }

    @Test
    void shouldRejectAnHttpstatusOutsideTheStatusCodes() throws IOException {
        assertRejected(block("httpstatus=99"), 2, "httpstatus=99 must be an HTTP status code 100..599");
        assertRejected(block("httpstatus=2xx"), 2, "httpstatus=2xx must be an HTTP status code 100..599");
    }

    @Test
    void shouldRejectAVerifycertThatIsNotYesOrNo() throws IOException {
        assertRejected(block("verifycert=true"), 2, "verifycert=true is not one of yes, no");
    }
}
