package io.tandem.config;

import static io.tandem.config.ConfigFixture.literal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void writeLabConfig() {
        fixture = new ConfigFixture(dir);
    }

    @Test
    void shouldLoadTypicalLabConfig() throws Exception {
        ClusterConfig config = fixture.load();

        HaConfig ha = config.ha();
        assertEquals(dir, config.directory());
        assertEquals("tandem", ha.clusterName());
        assertEquals(List.of("d1", "d2"), ha.nodes());
        assertEquals(List.of(new UcastMedium("eth0", literal("198.51.100.2"), 9)), ha.ucast());
        assertEquals(694, ha.udpPort());
        assertEquals(Duration.ofMillis(50), ha.keepalive());
        assertEquals(Duration.ofMillis(250), ha.deadtime());
        assertEquals(Duration.ofMillis(150), ha.warntime());
        assertEquals(Duration.ofSeconds(1), ha.initdead());
        assertFalse(ha.autoFailback());
        assertEquals(1, config.authKeys().activeId());
        assertEquals(AuthAlgorithm.SHA256, config.authKeys().active().algorithm());
        assertEquals(1, config.groups().size());
        assertEquals("198.51.100.10", config.groups().get(0).name());
        assertEquals(32, config.digest().length);
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void shouldApplyDefaultsWhenDirectivesAreOmitted() throws Exception {
        fixture.haCf(ConfigFixture.minimalHaCf(""));

        HaConfig ha = fixture.load().ha();

        assertEquals("tandem", ha.clusterName());
        assertEquals(694, ha.udpPort());
        assertEquals(Duration.ofMillis(200), ha.keepalive());
        assertEquals(Duration.ofSeconds(1), ha.deadtime());
        assertEquals(Duration.ofMillis(500), ha.warntime());
        assertEquals(Duration.ofSeconds(2), ha.initdead());
        assertFalse(ha.autoFailback());
        assertEquals(5, ha.garpCount());
        assertEquals(Duration.ofMillis(200), ha.garpInterval());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ha.cf", "authkeys", "haresources"})
    void shouldNameMissingFile(String name) throws Exception {
        Files.delete(fixture.file(name));

        ConfigException e = fixture.loadFails();

        assertEquals(fixture.file(name), e.file());
        assertEquals(0, e.line());
        assertEquals(fixture.message(name, 0,
                "file not found; the config directory must hold ha.cf, authkeys and haresources"), e.getMessage());
    }

    @Test
    void shouldReportUnreadableFileAsConfigException() throws Exception {
        Files.delete(fixture.file("haresources"));
        Files.createDirectory(fixture.file("haresources"));

        ConfigException e = fixture.loadFails();

        assertEquals(fixture.file("haresources"), e.file());
        assertEquals(0, e.line());
        assertEquals(fixture.message("haresources", 0, "cannot read: Is a directory"), e.getMessage());
    }

    @Test
    void shouldRejectFileThatIsNotUtf8() throws Exception {
        byte[] latin1 = "node d1 d2 # café\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(fixture.file("ha.cf"), latin1);

        ConfigException e = fixture.loadFails();

        assertEquals(fixture.message("ha.cf", 0, "cannot read: the file is not valid UTF-8"), e.getMessage());
    }

    @Test
    void shouldProduceSameDigestOnBothNodesSharingOneConfig() throws Exception {
        ClusterConfig onD1 = fixture.loadAs("d1", ConfigFixture.D1_ADDRESS);
        ClusterConfig onD2 = fixture.loadAs("d2", ConfigFixture.D2_ADDRESS);

        assertEquals(List.of(new UcastMedium("eth0", literal("198.51.100.1"), 8)), onD2.ha().ucast());
        assertArrayEquals(onD1.digest(), onD2.digest());
    }

    @Test
    void shouldIgnoreCommentsBlankLinesAndSpacingInDigest() throws Exception {
        byte[] before = fixture.load().digest();
        fixture.haCf("\n\n" + ConfigFixture.LAB_HA_CF.replace(" ", "\t  ").replace("\n", "   # note\n"));
        fixture.haresources("# the web VIP\nd1    IPaddr2::198.51.100.10/24/eth0 # it\n");

        assertArrayEquals(before, fixture.load().digest());
    }

    @Test
    void shouldIgnoreLineContinuationInDigest() throws Exception {
        fixture.haresources("d1 IPaddr2::198.51.100.10/24/eth0 apache\n");
        byte[] before = fixture.load().digest();
        fixture.haresources("d1 IPaddr2::198.51.100.10/24/eth0 \\\n    apache\n");

        assertArrayEquals(before, fixture.load().digest());
    }

    @Test
    void shouldChangeDigestWhenHaCfChanges() throws Exception {
        byte[] before = fixture.load().digest();
        fixture.haCf(ConfigFixture.LAB_HA_CF.replace("deadtime 250ms", "deadtime 300ms"));

        assertFalse(Arrays.equals(before, fixture.load().digest()));
    }

    @Test
    void shouldChangeDigestWhenHaresourcesChange() throws Exception {
        byte[] before = fixture.load().digest();
        fixture.haresources("d2 IPaddr2::198.51.100.10/24/eth0\n");

        assertFalse(Arrays.equals(before, fixture.load().digest()));
    }

    @Test
    void shouldLeaveAuthkeysOutOfDigest() throws Exception {
        byte[] before = fixture.load().digest();
        fixture.authkeys("auth 2\n2 sha256 another-secret\n");

        assertArrayEquals(before, fixture.load().digest());
    }

    @Test
    void shouldCollectWarningsFromAllFiles() throws Exception {
        fixture.haCf(ConfigFixture.LAB_HA_CF + "use_logd yes\n");
        fixture.authkeys("auth 1\n1 sha256 s\n2 sha1 t\n");
        fixture.haresources("d1 IPaddr::198.51.100.10/24/eth0/198.51.100.255\n");

        List<String> warnings = fixture.load().warnings();

        assertEquals(List.of(
                "ha.cf:11: directive 'use_logd' is not used by Tandem yet; ignored",
                "authkeys:3: key 2 uses sha1, which is weak; use sha256",
                "haresources:1: broadcast=198.51.100.255 of IPaddr::198.51.100.10/24/eth0/198.51.100.255"
                        + " is not used by Tandem; the broadcast address follows from the prefix"),
                warnings);
    }

    @Test
    void shouldKeepFileBoundaryInDigest() {
        ConfigLine node = new ConfigLine(1, List.of("node", "d1", "d2"));
        ConfigLine group = new ConfigLine(1, List.of("d1", "postfix"));

        assertFalse(Arrays.equals(ConfigLoader.digest(List.of(node), List.of(group)),
                ConfigLoader.digest(List.of(node, group), List.of())));
    }

    @Test
    void shouldRefuseNullArgumentsAsProgrammingErrors() {
        assertThrows(NullPointerException.class, () -> ConfigLoader.load(dir, null, address -> false));
    }

    @Test
    void shouldReloadOnlyTheKeysForARotation() throws Exception {
        fixture.haCf("this file is broken now\n");
        fixture.authkeys("auth 2\n1 sha256 old-secret\n2 sha256 new-secret\n3 md5 legacy\n");
        List<String> warnings = new java.util.ArrayList<>();

        AuthKeys keys = ConfigLoader.loadAuthKeys(dir, warnings);

        assertEquals(2, keys.activeId());
        assertEquals(java.util.Set.of(1, 2, 3), keys.keys().keySet());
        assertEquals(1, warnings.size(), "the md5 key is weak: " + warnings);
    }

    @Test
    void shouldRefuseToReloadWorldReadableKeys() {
        fixture.authkeysMode("rw-r--r--");

        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.loadAuthKeys(dir, new java.util.ArrayList<>()));

        assertEquals(fixture.file("authkeys"), e.file());
    }
}
