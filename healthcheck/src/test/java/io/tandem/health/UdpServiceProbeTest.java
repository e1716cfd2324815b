package io.tandem.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DNS, RADIUS and SIP checks against Debian's dnsmasq, FreeRADIUS and sipp (as a UAS), and NNTP
 * against JamNNTPd, all on loopback with their files in temporary directories.
 */
class UdpServiceProbeTest {
    private static final String SECRET = "testing123";
    private static ProbeSet probes;
    private static NativeServer dnsmasq;
    private static NativeServer radius;
    private static NativeServer sipOk;
    private static NativeServer sipBusy;
    private static NativeServer nntp;
    private static NativeServer nntpDenying;
    private static int dnsPort;
    private static int radiusPort;
    private static int sipOkPort;
    private static int sipBusyPort;
    private static int nntpPort;
    private static int nntpDenyingPort;

    @BeforeAll
    static void start() throws Exception {
        probes = new ProbeSet(1, 4, null);
        dnsPort = NativeServer.freeUdpPort();
        dnsmasq = NativeServer.start("dnsmasq", NativeServer.workDir("dnsmasq", null), List.of(
                NativeServer.binary("dnsmasq", "dnsmasq-base"), "--keep-in-foreground", "--conf-file=/dev/null",
                "--port=" + dnsPort, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--user=nobody", "--group=nogroup", "--pid-file=", "--address=/web.example.test/198.51.100.21",
                "--address=/nx.example.test/"), dnsPort, true);

        Path raddb = NativeServer.workDir("freeradius", null);
        NativeServer.run(List.of("cp", "-a", "/etc/freeradius/3.0/.", raddb.resolve("raddb").toString()));
        Files.writeString(raddb.resolve("raddb/clients.conf"),
                "client loopback {\n\tipaddr = 127.0.0.1\n\tsecret = " + SECRET + "\n}\n");
        radiusPort = NativeServer.freeUdpPort();
        radius = NativeServer.start("freeradius", raddb, List.of(NativeServer.binary("freeradius", "freeradius"),
                "-f", "-d", raddb.resolve("raddb").toString(), "-i", "127.0.0.1", "-p", String.valueOf(radiusPort),
                "-l", "stdout"), radiusPort, true);

        sipOkPort = NativeServer.freeUdpPort();
        sipOk = sipp("200 OK", sipOkPort);
        sipBusyPort = NativeServer.freeUdpPort();
        sipBusy = sipp("503 Service Unavailable", sipBusyPort);

        nntpPort = Servers.closedPort();
        nntp = jamnntpd(nntpPort, "127.0.0.1");
        nntpDenyingPort = Servers.closedPort();
        nntpDenying = jamnntpd(nntpDenyingPort, "192.0.2.1");
    }

    private static NativeServer sipp(String status, int port) throws Exception {
        Path dir = NativeServer.workDir("sipp", null);
        Files.writeString(dir.resolve("uas.xml"), """
                <?xml version="1.0" encoding="ISO-8859-1" ?>
                <scenario name="answer OPTIONS">
                  <recv request="OPTIONS" />
                  <send>
                    <![CDATA[
                      SIP/2.0 %s
                      [last_Via:]
                      [last_From:]
                      [last_To:];tag=[pid]SIPpTag01[call_number]
                      [last_Call-ID:]
                      [last_CSeq:]
                      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
                      Content-Length: 0

                    ]]>
                  </send>
                </scenario>
                """.formatted(status));
        return NativeServer.start("sipp", dir, List.of(NativeServer.binary("sipp", "sip-tester"), "-sf",
                dir.resolve("uas.xml").toString(), "-i", "127.0.0.1", "-p", String.valueOf(port), "-nostdin",
                "-trace_err", "-error_file", dir.resolve("errors.log").toString()), port, true);
    }

    private static NativeServer jamnntpd(int port, String allowed) throws Exception {
        Path dir = NativeServer.workDir("jamnntpd", null);
        Files.writeString(dir.resolve("allow"), allowed + " AX A\n");
        Files.writeString(dir.resolve("groups"), "tandem.test A 2:1/1 " + dir.resolve("base") + "\n");
        Files.writeString(dir.resolve("users"), "");
        return NativeServer.start("jamnntpd", dir, List.of(NativeServer.binary("jamnntpd", "jamnntpd"),
                "-p", String.valueOf(port), "-a", dir.resolve("allow").toString(), "-g", dir.resolve("groups").toString(),
                "-u", dir.resolve("users").toString(), "-x", "/etc/jamnntpd.xlat", "-l", dir.resolve("log").toString(),
                "-noecholog"), port, false);
    }

    @AfterAll
    static void stop() {
        for (NativeServer s : new NativeServer[] {dnsmasq, radius, sipOk, sipBusy, nntp, nntpDenying}) {
            if (s != null) {
                s.close();
            }
        }
        if (probes != null) {
            probes.close();
        }
    }

    private static ProbeRun.Result check(int port, CheckDefinition.Builder b) throws Exception {
        return ProbeRun.negotiate(probes, Servers.udpAt(port, b.timeout(Duration.ofSeconds(3)).build()));
    }

    private static CheckDefinition.Builder def(Service s) {
        return CheckDefinition.builder(CheckType.NEGOTIATE, s);
    }

    @Test
    void shouldResolveTheRequestedNameToTheExpectedAddress() throws Exception {
        ProbeRun.Result r = check(dnsPort, def(Service.DNS).request("web.example.test").receive("198.51.100.21"));
        assertTrue(r.ok(), r.reason());
        assertEquals("dns 127.0.0.1:" + dnsPort + ": web.example.test is 198.51.100.21", r.reason());
        assertTrue(check(dnsPort, def(Service.DNS).request("web.example.test")).ok(), "any address without receive=");
    }

    @Test
    void shouldFailDnsOnAnotherAddressOrNoSuchName() throws Exception {
        ProbeRun.Result wrong = check(dnsPort, def(Service.DNS).request("web.example.test").receive("198.51.100.99"));
        assertFalse(wrong.ok());
        assertEquals("dns 127.0.0.1:" + dnsPort + ": web.example.test is 198.51.100.21, expected 198.51.100.99",
                wrong.reason());
        ProbeRun.Result nx = check(dnsPort, def(Service.DNS).request("nx.example.test"));
        assertFalse(nx.ok());
        assertTrue(nx.reason().contains("nx.example.test A: NXDomain"), nx.reason());
    }

    @Test
    void shouldFailDnsWhenNothingListens() throws Exception {
        int port = NativeServer.freeUdpPort();
        ProbeRun.Result r = check(port, def(Service.DNS).request("web.example.test"));
        assertFalse(r.ok());
        assertEquals("dns 127.0.0.1:" + port + ": port unreachable", r.reason());
    }

    @Test
    void shouldTakeAnyVerifiedRadiusAnswerAsAlive() throws Exception {
        ProbeRun.Result r = check(radiusPort, def(Service.RADIUS).secret(SECRET).login("nobody").passwd("guess"));
        assertTrue(r.ok(), r.reason());
        assertEquals("radius 127.0.0.1:" + radiusPort + ": Access-Reject", r.reason());
    }

    @Test
    void shouldFailRadiusWithTheWrongSecret() throws Exception {
        ProbeRun.Result r = check(radiusPort, def(Service.RADIUS).secret("not-the-secret"));
        assertFalse(r.ok(), r.reason());
        assertEquals("radius 127.0.0.1:" + radiusPort + ": no answer within 3000 ms", r.reason(),
                "FreeRADIUS drops a request whose Message-Authenticator does not verify");
    }

    @Test
    void shouldFailRadiusWhenNothingListens() throws Exception {
        int port = NativeServer.freeUdpPort();
        ProbeRun.Result r = check(port, def(Service.RADIUS).secret(SECRET));
        assertFalse(r.ok());
        assertEquals("radius 127.0.0.1:" + port + ": port unreachable", r.reason());
    }

    @Test
    void shouldBeUpWhenSipAnswersOptionsWith200() throws Exception {
        ProbeRun.Result r = check(sipOkPort, def(Service.SIP));
        assertTrue(r.ok(), r.reason());
        assertEquals("sip 127.0.0.1:" + sipOkPort + ": SIP/2.0 200 OK", r.reason());
    }

    @Test
    void shouldFailSipOnAnErrorAnswerOrSilence() throws Exception {
        ProbeRun.Result busy = check(sipBusyPort, def(Service.SIP));
        assertFalse(busy.ok());
        assertEquals("sip 127.0.0.1:" + sipBusyPort + ": SIP/2.0 503 Service Unavailable", busy.reason());
        int port = NativeServer.freeUdpPort();
        assertEquals("sip 127.0.0.1:" + port + ": port unreachable", check(port, def(Service.SIP)).reason());
    }

    @Test
    void shouldSeeTheNntpGreeting() throws Exception {
        ProbeRun.Result r = ProbeRun.negotiate(probes, Servers.at(nntpPort, def(Service.NNTP)
                .timeout(Duration.ofSeconds(3)).build()));
        assertTrue(r.ok(), r.reason());
        assertEquals("nntp 127.0.0.1:" + nntpPort + ": 200 greeting", r.reason());
    }

    @Test
    void shouldFailNntpWhenTheServerRefusesUsOrIsDown() throws Exception {
        ProbeRun.Result denied = ProbeRun.negotiate(probes, Servers.at(nntpDenyingPort, def(Service.NNTP)
                .timeout(Duration.ofSeconds(3)).build()));
        assertFalse(denied.ok());
        assertTrue(denied.reason().contains("greeting \"502 Access denied.\", expected 200 or 201"), denied.reason());
        assertFalse(ProbeRun.negotiate(probes, Servers.at(Servers.closedPort(), def(Service.NNTP)
                .timeout(Duration.ofSeconds(3)).build())).ok());
    }
}
