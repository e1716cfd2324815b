package io.tandem.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FTP checks against Apache FtpServer, LDAP checks against UnboundID's in-memory directory. */
class FtpLdapProbeTest {
    @TempDir
    static Path home;
    private static FtpServer ftp;
    private static int ftpPort;
    private static InMemoryDirectoryServer ldap;
    private static ProbeSet probes;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(home.resolve("health.txt"), "status: healthy\n");
        FtpServerFactory factory = new FtpServerFactory();
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(0);
        factory.addListener("default", listener.createListener());
        BaseUser user = new BaseUser();
        user.setName("monitor");
        user.setPassword("s3cret");
        user.setHomeDirectory(home.toString());
        user.setAuthorities(List.of(new WritePermission()));
        factory.getUserManager().save(user);
        ftp = factory.createServer();
        ftp.start();
        ftpPort = ((org.apache.ftpserver.impl.DefaultFtpServer) ftp).getListener("default").getPort();

        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=test");
        config.addAdditionalBindCredentials("cn=monitor,dc=example,dc=test", "s3cret");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", Servers.LOOPBACK, 0, null));
        ldap = new InMemoryDirectoryServer(config);
        ldap.add("dn: dc=example,dc=test", "objectClass: top", "objectClass: domain", "dc: example");
        ldap.add("dn: ou=health,dc=example,dc=test", "objectClass: top", "objectClass: organizationalUnit",
                "ou: health", "description: healthy");
        ldap.startListening();
        probes = new ProbeSet(1, 4, null);
    }

    @AfterAll
    static void stop() {
        probes.close();
        ftp.stop();
        ldap.shutDown(true);
    }

    private static CheckDefinition.Builder def(Service s) {
        return CheckDefinition.builder(CheckType.NEGOTIATE, s).timeout(Duration.ofSeconds(5));
    }

    @Test
    void shouldLogInToFtpAndFetchTheRequestedFile() throws Exception {
        ProbeRun.Result r = ProbeRun.negotiate(probes, Servers.at(ftpPort, def(Service.FTP).login("monitor")
                .passwd("s3cret").request("health.txt").receive("healthy").build()));
        assertTrue(r.ok(), r.reason());
        assertEquals("ftp 127.0.0.1:" + ftpPort + ": logged in as monitor, fetched health.txt", r.reason());
    }

    @Test
    void shouldFailFtpWhenTheLoginIsRefused() throws Exception {
        ProbeRun.Result r = ProbeRun.negotiate(probes, Servers.at(ftpPort, def(Service.FTP).build()));
        assertFalse(r.ok(), "anonymous is not allowed on this server: " + r.reason());
        assertTrue(r.reason().contains("login as anonymous refused: \"530"), r.reason());
    }

    @Test
    void shouldFailFtpWhenTheFileDoesNotMatch() throws Exception {
        ProbeRun.Result r = ProbeRun.negotiate(probes, Servers.at(ftpPort, def(Service.FTP).login("monitor")
                .passwd("s3cret").request("health.txt").receive("maintenance").build()));
        assertFalse(r.ok());
        assertTrue(r.reason().endsWith("health.txt does not match receive=\"maintenance\""), r.reason());
    }

    @Test
    void shouldFailFtpWhenNothingListens() throws Exception {
        assertFalse(ProbeRun.negotiate(probes, Servers.at(Servers.closedPort(), def(Service.FTP).build())).ok());
    }

    @Test
    void shouldBindToLdapAndFindTheRequestedEntry() throws Exception {
        int port = ldap.getListenPort();
        assertTrue(ProbeRun.negotiate(probes, Servers.at(port, def(Service.LDAP).build())).ok(), "anonymous bind");
        ProbeRun.Result r = ProbeRun.negotiate(probes, Servers.at(port, def(Service.LDAP)
                .login("cn=monitor,dc=example,dc=test").passwd("s3cret").request("ou=health,dc=example,dc=test")
                .receive("description: healthy").build()));
        assertTrue(r.ok(), r.reason());
        assertEquals("ldap 127.0.0.1:" + port + ": bound as cn=monitor,dc=example,dc=test, found ou=health,dc=example,dc=test",
                r.reason());
    }

    @Test
    void shouldFailLdapOnBadCredentialsAMissingEntryOrAMismatch() throws Exception {
        int port = ldap.getListenPort();
        ProbeRun.Result badBind = ProbeRun.negotiate(probes, Servers.at(port, def(Service.LDAP)
                .login("cn=monitor,dc=example,dc=test").passwd("wrong").build()));
        assertFalse(badBind.ok());
        assertTrue(badBind.reason().contains("invalid credentials"), badBind.reason());
        ProbeRun.Result missing = ProbeRun.negotiate(probes, Servers.at(port, def(Service.LDAP)
                .request("ou=gone,dc=example,dc=test").build()));
        assertFalse(missing.ok());
        assertTrue(missing.reason().endsWith("no entry ou=gone,dc=example,dc=test"), missing.reason());
        ProbeRun.Result mismatch = ProbeRun.negotiate(probes, Servers.at(port, def(Service.LDAP)
                .request("ou=health,dc=example,dc=test").receive("description: sick").build()));
        assertFalse(mismatch.ok(), mismatch.reason());
    }

    @Test
    void shouldFailLdapWhenNothingListens() throws Exception {
        assertFalse(ProbeRun.negotiate(probes, Servers.at(Servers.closedPort(), def(Service.LDAP).build())).ok());
    }
}
