package io.tandem.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.config.ConfigException;
import io.tandem.config.DirectorCfParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckPlanTest {
    @TempDir
    Path dir;

    private List<CheckedServer> plan(String text) throws Exception {
        Path f = dir.resolve("director.cf");
        Files.writeString(f, text);
        return CheckPlan.from(DirectorCfParser.load(f));
    }

    @Test
    void shouldApplyLdirectordDefaults() throws Exception {
        List<CheckedServer> servers = plan("""
                virtual=198.51.100.10:80
                	real=198.51.100.21:80 gate
                	real=198.51.100.22 gate 2 "/alive", "OK"
                	request="/health"
                	receive="healthy"
                """);
        assertEquals(2, servers.size());
        CheckDefinition a = servers.get(0).check();
        assertEquals(CheckType.NEGOTIATE, a.type());
        assertEquals(Service.HTTP, a.service(), "guessed from port 80");
        assertEquals(Duration.ofSeconds(5), a.connectTimeout());
        assertEquals(Duration.ofSeconds(30), a.negotiateTimeout());
        assertEquals(Duration.ofSeconds(10), a.interval());
        assertEquals(1, a.rise());
        assertEquals(1, a.fall());
        assertEquals("/health", a.request());
        assertEquals("/alive", servers.get(1).check().request(), "per-real request wins");
        assertEquals("OK", servers.get(1).check().receive());
        assertEquals(80, servers.get(1).checkAddress().getPort());
        assertTrue(servers.get(0).quiescent());
        assertEquals(2, servers.get(0).line());
    }

    @Test
    void shouldTakeBlockValuesOverGlobalOnes() throws Exception {
        List<CheckedServer> servers = plan("""
                checktimeout=3
                connecttimeout=2
                checkinterval=4
                failurecount=3
                quiescent=no
                emailalert="ops@example.test"
                virtual=198.51.100.10:5432
                	real=198.51.100.21 masq
                	checktype=5
                	checkport=6432
                	negotiatetimeout=9
                	login="monitor"
                	passwd="secret"
                	database="postgres"
                virtual=198.51.100.10:8080
                	real=198.51.100.21 gate
                	checktimeout=7
                	quiescent=yes
                """);
        CheckDefinition pg = servers.get(0).check();
        assertEquals(CheckType.NEGOTIATE_EVERY_NTH, pg.type());
        assertEquals(5, pg.negotiateEvery());
        assertEquals(Service.PGSQL, pg.service());
        assertEquals(Duration.ofSeconds(2), pg.connectTimeout(), "connecttimeout beats checktimeout");
        assertEquals(Duration.ofSeconds(9), pg.negotiateTimeout());
        assertEquals(Duration.ofSeconds(4), pg.interval());
        assertEquals(3, pg.fall(), "fall is failurecount");
        assertEquals("monitor", pg.login());
        assertEquals("postgres", pg.database());
        assertEquals("ops@example.test", pg.emailAlert());
        assertEquals(6432, servers.get(0).checkAddress().getPort());
        assertFalse(servers.get(0).quiescent());
        CheckDefinition other = servers.get(1).check();
        assertEquals(CheckType.CONNECT, other.type(), "no service to guess for 8080: connect");
        assertEquals(Duration.ofSeconds(7), other.connectTimeout());
        assertTrue(servers.get(1).quiescent());
    }

    @Test
    void shouldRejectAnExternalCheckWithoutCommand() {
        ConfigException e = assertThrows(ConfigException.class, () -> plan("""
                virtual=198.51.100.10:80
                	real=198.51.100.21 gate
                	checktype=external
                """));
        assertTrue(e.getMessage().endsWith("director.cf:1: checktype=external needs checkcommand="), e.getMessage());
    }

    @Test
    void shouldRejectADnsCheckWithoutAName() {
        ConfigException e = assertThrows(ConfigException.class, () -> plan("""
                virtual=198.51.100.10:53
                	protocol=udp
                	real=198.51.100.21 gate
                """));
        assertTrue(e.getMessage().endsWith(":1: service=dns needs request= (the name to query)"), e.getMessage());
    }

    @Test
    void shouldRejectAnInvalidReceivePattern() {
        ConfigException e = assertThrows(ConfigException.class, () -> plan("""
                virtual=198.51.100.10:80
                	real=198.51.100.21 gate
                	receive="(unclosed"
                """));
        assertTrue(e.getMessage().contains(":1: receive=\"(unclosed\" is not a valid regular expression"), e.getMessage());
    }

    @Test
    void shouldNeedACheckportForFirewallMarkServicesWithoutPorts() {
        ConfigException e = assertThrows(ConfigException.class, () -> plan("""
                virtual=7
                	real=198.51.100.21 gate
                	checktype=connect
                """));
        assertTrue(e.getMessage().endsWith(":2: real=198.51.100.21 of firewall-mark virtual=7 has no port to check: set checkport="),
                e.getMessage());
    }

    @Test
    void shouldTakeTandemsRiseFallHttpstatusAndVerifycert() throws Exception {
        List<CheckedServer> servers = plan("""
                failurecount=5
                virtual=198.51.100.10:443
                	real=198.51.100.21 gate
                	rise=3
                	fall=2
                	httpstatus=204
                	verifycert=yes
                virtual=198.51.100.11:443
                	real=198.51.100.22 gate
                """);
        CheckDefinition strict = servers.get(0).check();
        assertEquals(Service.HTTPS, strict.service());
        assertEquals(3, strict.rise());
        assertEquals(2, strict.fall(), "fall= wins over failurecount");
        assertEquals(204, strict.expectedStatus());
        assertTrue(strict.verifyTls());
        CheckDefinition plain = servers.get(1).check();
        assertEquals(1, plain.rise());
        assertEquals(5, plain.fall(), "failurecount without fall=");
        assertEquals(0, plain.expectedStatus(), "any 2xx");
        assertEquals(false, plain.verifyTls());
    }
}
