package io.tandem.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.config.director.CheckSpec;
import io.tandem.config.director.DirectorConfig;
import io.tandem.config.director.RealServerSpec;
import io.tandem.config.director.VirtualServiceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example files Debian's heartbeat and ldirectord packages ship (test resources
 * {@code debian-examples/}, unmodified; see the README there), loaded with the real parsers.
 * Each either loads or is refused on purpose, with the message asserted here and documented in
 * docs/migrating-from-heartbeat.md.
 */
class DebianExamplesTest {
    @TempDir
    Path dir;

    private Path copy(String name, String mode) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = DebianExamplesTest.class.getResourceAsStream("/debian-examples/" + name)) {
            assertTrue(in != null, "test resource debian-examples/" + name);
            Files.copy(in, target);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
        return target;
    }

    @Test
    void exampleHaCfShouldParseButBeRefusedForHavingNoNodes() throws Exception {
        Path haCf = copy("ha.cf", "rw-r--r--");
        List<String> warnings = new ArrayList<>();
        HaCfSettings settings = HaCfParser.parse(haCf, ConfigText.read(haCf, false), a -> false, warnings);

        assertEquals(List.of(), warnings, "its one logging line, logfacility local0, is a directive Tandem implements");
        ConfigException e = assertThrows(ConfigException.class, () -> settings.conclude("d1"));
        assertEquals(haCf + ": no node line; list both directors: node NAME1 NAME2", e.getMessage());
    }

    @Test
    void exampleHaCfShouldLoadOnceTheTwoNodesAndAMediumAreAppended() throws Exception {
        Path haCf = copy("ha.cf", "rw-r--r--");
        Files.writeString(haCf, Files.readString(haCf) + "node d1 d2\nucast eth0 192.0.2.2\n");
        List<ConfigLine> lines = ConfigText.read(haCf, false);
        HaConfig ha = HaCfParser.parse(haCf, lines, a -> false, new ArrayList<>()).conclude("d1");

        assertEquals(List.of("d1", "d2"), ha.nodes());
        assertTrue(ha.autoFailback(), "the example says auto_failback on");
        assertEquals(SyslogFacility.LOCAL0, ha.logging().facility(), "the example says logfacility local0");
    }

    @Test
    void exampleHaresourcesShouldLoadAsNoGroupsBecauseEveryLineIsAComment() throws Exception {
        Path haresources = copy("haresources", "rw-r--r--");
        List<String> warnings = new ArrayList<>();
        List<ResourceGroupSpec> groups = HaResourcesParser.parse(haresources, ConfigText.read(haresources, true),
                List.of("d1", "d2"), warnings);

        assertEquals(List.of(), groups);
        assertEquals(List.of(), warnings);
    }

    @Test
    void exampleAuthkeysAt0600ShouldBeRefusedForHavingNoActiveKey() throws Exception {
        Path authkeys = copy("authkeys", "rw-------");
        ConfigException e = assertThrows(ConfigException.class, () -> AuthKeysParser.parse(authkeys, new ArrayList<>()));
        assertEquals(authkeys + ": no 'auth N' line selects the active key", e.getMessage());
    }

    @Test
    void exampleAuthkeysAt0644ShouldBeRefusedForItsMode() throws Exception {
        Path authkeys = copy("authkeys", "rw-r--r--");
        ConfigException e = assertThrows(ConfigException.class, () -> AuthKeysParser.parse(authkeys, new ArrayList<>()));
        assertEquals(authkeys + ": mode 0644 is too open; authkeys must be 0600 (chmod 600 " + authkeys + ")",
                e.getMessage());
    }

    @Test
    void exampleLdirectordCfShouldLoadUnchanged() throws Exception {
        DirectorConfig config = DirectorCfParser.load(copy("ldirectord.cf", "rw-r--r--"));

        assertEquals(Duration.ofSeconds(3), config.globals().checktimeout());
        assertEquals(Duration.ofSeconds(1), config.globals().checkinterval());
        assertTrue(config.globals().autoreload());
        assertEquals(false, config.globals().quiescent());
        assertEquals(1, config.services().size(), "every other virtual= of the example is commented out");
        VirtualServiceSpec web = config.services().get(0);
        assertEquals("192.168.6.240", web.vip().getHostAddress());
        assertEquals(80, web.port());
        assertEquals("tcp", web.protocol());
        assertEquals("rr", web.scheduler());
        assertEquals(List.of("192.168.6.2", "192.168.6.3", "192.168.6.6"),
                web.reals().stream().map(r -> r.address().getHostAddress()).toList());
        assertTrue(web.reals().stream().allMatch(r -> r.method().equals("gate") && r.port() == 80 && r.weight() == 1));
        RealServerSpec fallback = web.fallback();
        assertEquals("127.0.0.1:80 gate", fallback.address().getHostAddress() + ":" + fallback.port() + " "
                + fallback.method());
        CheckSpec check = web.check();
        assertEquals("negotiate", check.checktype());
        assertEquals("http", check.service());
        assertEquals("index.html", check.request());
        assertEquals("Test Page", check.receive());
        assertEquals("www.x.y.z", check.virtualhost());
        assertEquals(80, check.checkport());
        assertEquals(Map.of("servicename", "Web Site", "comment", "Test load balanced web site"), check.other());
    }
}
