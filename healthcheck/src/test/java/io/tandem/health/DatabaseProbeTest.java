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
 * MySQL and PostgreSQL checks against Debian's MariaDB and PostgreSQL servers, initialised in
 * temporary directories and run as unprivileged users (both refuse root) on loopback.
 */
class DatabaseProbeTest {
    private static NativeServer postgres;
    private static NativeServer mariadb;
    private static int pgPort;
    private static int myPort;
    private static ProbeSet probes;

    @BeforeAll
    static void start() throws Exception {
        probes = new ProbeSet(1, 4, null);
        String initdb = NativeServer.binary("initdb", "postgresql");
        String pg = NativeServer.binary("postgres", "postgresql");
        Path pgDir = NativeServer.workDir("pg", "postgres");
        Path pw = pgDir.resolve("pw");
        Files.writeString(pw, "s3cret\n");
        NativeServer.run(List.of("chown", "postgres", pw.toString()));
        NativeServer.run(NativeServer.as("postgres", List.of(initdb, "-D", pgDir.resolve("data").toString(),
                "-U", "monitor", "--pwfile=" + pw, "--auth=scram-sha-256", "-E", "UTF8", "--no-sync")));
        pgPort = Servers.closedPort();
        postgres = NativeServer.start("postgres", pgDir, NativeServer.as("postgres", List.of(pg, "-D",
                pgDir.resolve("data").toString(), "-p", String.valueOf(pgPort), "-k", pgDir.toString(),
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off")), pgPort, false);

        String installDb = NativeServer.binary("mariadb-install-db", "mariadb-server-core");
        String mariadbd = NativeServer.binary("mariadbd", "mariadb-server-core");
        Path myDir = NativeServer.workDir("mariadb", "nobody");
        NativeServer.run(List.of(installDb, "--no-defaults", "--user=nobody", "--datadir=" + myDir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        Path init = myDir.resolve("init.sql");
        Files.writeString(init, "CREATE USER 'monitor'@'127.0.0.1' IDENTIFIED BY 's3cret';\n");
        myPort = Servers.closedPort();
        mariadb = NativeServer.start("mariadbd", myDir, List.of(mariadbd, "--no-defaults", "--user=nobody",
                "--datadir=" + myDir.resolve("data"), "--port=" + myPort, "--bind-address=127.0.0.1",
                "--socket=" + myDir.resolve("sock"), "--pid-file=" + myDir.resolve("pid"), "--skip-log-bin",
                "--innodb-buffer-pool-size=16M", "--init-file=" + init), myPort, false);
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
        if (mariadb != null) {
            mariadb.close();
        }
        if (probes != null) {
            probes.close();
        }
    }

    private static ProbeRun.Result check(Service s, int port, CheckDefinition.Builder b) throws Exception {
        return ProbeRun.negotiate(probes, Servers.at(port, b.timeout(Duration.ofSeconds(10)).build()));
    }

    private static CheckDefinition.Builder def(Service s) {
        return CheckDefinition.builder(CheckType.NEGOTIATE, s);
    }

    @Test
    void shouldSeeThePostgresqlHandshakeWithoutLogin() throws Exception {
        ProbeRun.Result r = check(Service.PGSQL, pgPort, def(Service.PGSQL));
        assertTrue(r.ok(), r.reason());
        assertEquals("pgsql 127.0.0.1:" + pgPort + ": authentication requested", r.reason());
    }

    @Test
    void shouldLogInToPostgresqlAndRunTheQuery() throws Exception {
        ProbeRun.Result r = check(Service.PGSQL, pgPort, def(Service.PGSQL).login("monitor").passwd("s3cret")
                .database("postgres").request("SELECT 'alive'").receive("^alive$"));
        assertTrue(r.ok(), r.reason());
        assertEquals("pgsql 127.0.0.1:" + pgPort + ": logged in as monitor, query returned \"alive\"", r.reason());
    }

    @Test
    void shouldFailPostgresqlOnAWrongPasswordOrAnEmptyResult() throws Exception {
        ProbeRun.Result bad = check(Service.PGSQL, pgPort, def(Service.PGSQL).login("monitor").passwd("wrong")
                .database("postgres"));
        assertFalse(bad.ok());
        assertTrue(bad.reason().contains("login as monitor failed"), bad.reason());
        ProbeRun.Result empty = check(Service.PGSQL, pgPort, def(Service.PGSQL).login("monitor").passwd("s3cret")
                .database("postgres").request("SELECT 1 WHERE false"));
        assertFalse(empty.ok());
        assertTrue(empty.reason().endsWith("query returned no row: SELECT 1 WHERE false"), empty.reason());
    }

    @Test
    void shouldFailPostgresqlAgainstAMariadbServer() throws Exception {
        ProbeRun.Result r = check(Service.PGSQL, myPort, def(Service.PGSQL));
        assertFalse(r.ok(), r.reason());
    }

    @Test
    void shouldSeeTheMariadbHandshakeWithoutLogin() throws Exception {
        ProbeRun.Result r = check(Service.MYSQL, myPort, def(Service.MYSQL));
        assertTrue(r.ok(), r.reason());
        assertTrue(r.reason().startsWith("mysql 127.0.0.1:" + myPort + ": handshake from "), r.reason());
        assertTrue(r.reason().contains("MariaDB"), r.reason());
    }

    @Test
    void shouldLogInToMariadbAndRunTheQuery() throws Exception {
        ProbeRun.Result r = check(Service.MYSQL, myPort, def(Service.MYSQL).login("monitor").passwd("s3cret")
                .request("SELECT 'alive'").receive("alive"));
        assertTrue(r.ok(), r.reason());
        ProbeRun.Result bad = check(Service.MYSQL, myPort, def(Service.MYSQL).login("monitor").passwd("wrong"));
        assertFalse(bad.ok());
        assertTrue(bad.reason().contains("login as monitor failed"), bad.reason());
    }

    @Test
    void shouldFailMysqlAgainstAPostgresqlServer() throws Exception {
        ProbeRun.Result r = ProbeRun.negotiate(probes, Servers.at(pgPort, def(Service.MYSQL)
                .timeout(Duration.ofSeconds(2)).build()));
        assertFalse(r.ok(), r.reason());
        assertTrue(r.reason().contains("timed out"), "PostgreSQL waits for the client to speak: " + r.reason());
    }

    @Test
    void shouldFailBothWhenNothingListens() throws Exception {
        int port = Servers.closedPort();
        assertFalse(check(Service.MYSQL, port, def(Service.MYSQL)).ok());
        assertFalse(check(Service.PGSQL, port, def(Service.PGSQL)).ok());
        assertFalse(check(Service.PGSQL, port, def(Service.PGSQL).login("monitor").passwd("s3cret")).ok());
    }
}
