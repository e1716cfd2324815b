package io.tandem.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SMTP, POP3, POP3S, IMAP and IMAPS checks against GreenMail on loopback. */
class MailProbeTest {
    private static GreenMail mail;
    private static ProbeSet probes;

    @BeforeAll
    static void start() {
        ServerSetup[] setups = ServerSetup.dynamicPort(new ServerSetup[] {
            ServerSetup.SMTP.createCopy("127.0.0.1"), ServerSetup.POP3.createCopy("127.0.0.1"),
            ServerSetup.POP3S.createCopy("127.0.0.1"), ServerSetup.IMAP.createCopy("127.0.0.1"),
            ServerSetup.IMAPS.createCopy("127.0.0.1")});
        mail = new GreenMail(setups);
        mail.start();
        mail.setUser("monitor@example.test", "monitor", "s3cret");
        probes = new ProbeSet(1, 4, null);
    }

    @AfterAll
    static void stop() {
        probes.close();
        mail.stop();
    }

    private static ProbeRun.Result check(Service service, int port, String login, String passwd) throws Exception {
        return ProbeRun.negotiate(probes, Servers.at(port, CheckDefinition.builder(CheckType.NEGOTIATE, service)
                .login(login).passwd(passwd).timeout(Duration.ofSeconds(5)).build()));
    }

    @Test
    void shouldCheckSmtp() throws Exception {
        int port = mail.getSmtp().getPort();
        ProbeRun.Result r = check(Service.SMTP, port, null, null);
        assertTrue(r.ok(), r.reason());
        assertEquals("smtp 127.0.0.1:" + port + ": 220 greeting, HELO accepted", r.reason());
    }

    @Test
    void shouldFailSmtpAgainstAServerOfAnotherProtocol() throws Exception {
        ProbeRun.Result r = check(Service.SMTP, mail.getPop3().getPort(), null, null);
        assertFalse(r.ok(), r.reason());
    }

    @Test
    void shouldCheckPop3WithAndWithoutLogin() throws Exception {
        int port = mail.getPop3().getPort();
        assertTrue(check(Service.POP, port, null, null).ok());
        ProbeRun.Result r = check(Service.POP, port, "monitor", "s3cret");
        assertTrue(r.ok(), r.reason());
        assertEquals("pop 127.0.0.1:" + port + ": +OK greeting, logged in as monitor", r.reason());
    }

    @Test
    void shouldFailPop3OnAWrongPassword() throws Exception {
        ProbeRun.Result r = check(Service.POP, mail.getPop3().getPort(), "monitor", "wrong");
        assertFalse(r.ok());
        assertTrue(r.reason().contains("login as monitor refused: \"-ERR"), r.reason());
    }

    @Test
    void shouldCheckPop3s() throws Exception {
        ProbeRun.Result r = check(Service.POPS, mail.getPop3s().getPort(), "monitor", "s3cret");
        assertTrue(r.ok(), r.reason());
    }

    @Test
    void shouldFailPop3sAgainstAPlainPop3Server() throws Exception {
        ProbeRun.Result r = check(Service.POPS, mail.getPop3().getPort(), null, null);
        assertFalse(r.ok(), r.reason());
    }

    @Test
    void shouldCheckImapWithLogin() throws Exception {
        int port = mail.getImap().getPort();
        assertTrue(check(Service.IMAP, port, null, null).ok());
        ProbeRun.Result r = check(Service.IMAP, port, "monitor", "s3cret");
        assertTrue(r.ok(), r.reason());
        assertEquals("imap 127.0.0.1:" + port + ": OK greeting, logged in as monitor", r.reason());
    }

    @Test
    void shouldFailImapOnAWrongPassword() throws Exception {
        ProbeRun.Result r = check(Service.IMAP, mail.getImap().getPort(), "monitor", "wrong");
        assertFalse(r.ok());
        assertTrue(r.reason().contains("login as monitor refused"), r.reason());
    }

    @Test
    void shouldCheckImaps() throws Exception {
        ProbeRun.Result r = check(Service.IMAPS, mail.getImaps().getPort(), "monitor", "s3cret");
        assertTrue(r.ok(), r.reason());
    }

    @Test
    void shouldFailImapAgainstAnSmtpServer() throws Exception {
        ProbeRun.Result r = check(Service.IMAP, mail.getSmtp().getPort(), null, null);
        assertFalse(r.ok(), r.reason());
        assertTrue(r.reason().contains("220 /127.0.0.1 GreenMail SMTP"), r.reason());
    }

    @Test
    void shouldFailEveryMailCheckWhenNothingListens() throws Exception {
        int port = Servers.closedPort();
        for (Service s : new Service[] {Service.SMTP, Service.POP, Service.POPS, Service.IMAP, Service.IMAPS}) {
            ProbeRun.Result r = check(s, port, null, null);
            assertFalse(r.ok(), s + ": " + r.reason());
            assertEquals(s.configName() + " 127.0.0.1:" + port + ": connection refused", r.reason());
        }
    }
}
