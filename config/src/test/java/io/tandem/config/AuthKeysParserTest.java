package io.tandem.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthKeysParserTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void writeLabConfig() {
        fixture = new ConfigFixture(dir);
    }

    private ConfigException authkeysFails(String text) {
        fixture.authkeys(text);
        return fixture.loadFails();
    }

    private String authkeysError(int line, String problem) {
        return fixture.message("authkeys", line, problem);
    }

    @Test
    void shouldLoadActiveSha256Key() throws Exception {
        AuthKeys keys = fixture.load().authKeys();

        assertEquals(1, keys.activeId());
        assertEquals(1, keys.active().id());
        assertEquals(AuthAlgorithm.SHA256, keys.active().algorithm());
        assertArrayEquals("some-secret".getBytes(StandardCharsets.UTF_8), keys.active().secret());
    }

    @Test
    void shouldAcceptSeveralKeysSoTheyCanBeRotated() throws Exception {
        fixture.authkeys("# rotate to key 2\n1 sha256 old\n2 sha256 new\nauth 2\n");

        AuthKeys keys = fixture.load().authKeys();

        assertEquals(2, keys.activeId());
        assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), keys.active().secret());
        assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), keys.byId(1).secret());
    }

    @Test
    void shouldTakeRestOfLineAsSecret() throws Exception {
        fixture.authkeys("auth 7 # the active key\n7 sha256   pass phrase with # and spaces  \n");

        AuthKeys keys = fixture.load().authKeys();

        assertArrayEquals("pass phrase with # and spaces".getBytes(StandardCharsets.UTF_8), keys.active().secret());
    }

    @Test
    void shouldEncodeSecretAsUtf8() throws Exception {
        fixture.authkeys("auth 1\n1 sha256 clé\n");

        assertArrayEquals(new byte[] {'c', 'l', (byte) 0xC3, (byte) 0xA9}, fixture.load().authKeys().active().secret());
    }

    @Test
    void shouldRejectWorldReadableAuthkeys() {
        fixture.authkeysMode("rw-r--r--");

        ConfigException e = fixture.loadFails();

        Path file = dir.resolve("authkeys");
        assertEquals(file + ": mode 0644 is too open; authkeys must be 0600 (chmod 600 " + file + ")", e.getMessage());
        assertEquals(0, e.line());
    }

    @ParameterizedTest
    @CsvSource({"rw-r-----, 0640", "rw----r--, 0604", "rw--w----, 0620", "rwx-----x, 0701"})
    void shouldRejectAuthkeysWithAnyGroupOrOtherPermission(String permissions, String octal) {
        fixture.authkeysMode(permissions);

        ConfigException e = fixture.loadFails();

        assertEquals(authkeysError(0, "mode " + octal + " is too open; authkeys must be 0600 (chmod 600 "
                + dir.resolve("authkeys") + ")"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-------", "r--------", "rwx------"})
    void shouldAcceptOwnerOnlyModes(String permissions) throws Exception {
        fixture.authkeysMode(permissions);

        assertEquals(1, fixture.load().authKeys().activeId());
    }

    @Test
    void shouldWarnAboutMd5Key() throws Exception {
        fixture.authkeys("auth 1\n1 sha256 strong\n2 md5 legacy\n");

        ClusterConfig config = fixture.load();

        assertEquals(List.of("authkeys:3: key 2 uses md5, which is weak; use sha256"), config.warnings());
        assertEquals(AuthAlgorithm.MD5, config.authKeys().byId(2).algorithm());
    }

    @Test
    void shouldWarnAboutSha1Key() throws Exception {
        fixture.authkeys("auth 1\n1 sha1 legacy\n");

        assertEquals(List.of("authkeys:2: key 1 uses sha1, which is weak; use sha256"), fixture.load().warnings());
    }

    @Test
    void shouldAcceptAlgorithmInAnyCase() throws Exception {
        fixture.authkeys("auth 1\n1 SHA256 secret\n");

        assertEquals(AuthAlgorithm.SHA256, fixture.load().authKeys().active().algorithm());
    }

    @Test
    void shouldRejectCrcBecauseItIsNotAuthentication() {
        ConfigException e = authkeysFails("auth 1\n1 crc x\n");

        assertEquals(authkeysError(2, "key 1 uses crc, which is a checksum, not authentication; use sha256"),
                e.getMessage());
    }

    @Test
    void shouldRejectUnknownAlgorithmWithoutQuotingTheSecret() {
        ConfigException e = authkeysFails("auth 1\n1 hunter2 is my secret\n");

        assertEquals(authkeysError(2, "key 1 names an unknown algorithm; use sha256, sha1 or md5"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void shouldRejectKeyWithoutSecret() {
        ConfigException e = authkeysFails("auth 1\n1 sha256\n");

        assertEquals(authkeysError(2, "key 1 has no secret; the form is N sha256 SECRET"), e.getMessage());
    }

    @Test
    void shouldRejectMissingAuthLine() {
        ConfigException e = authkeysFails("1 sha256 secret\n");

        assertEquals(authkeysError(0, "no 'auth N' line selects the active key"), e.getMessage());
    }

    @Test
    void shouldRejectSecondAuthLine() {
        ConfigException e = authkeysFails("auth 1\n1 sha256 secret\nauth 1\n");

        assertEquals(authkeysError(3, "auth is set twice (first on line 1)"), e.getMessage());
    }

    @Test
    void shouldRejectAuthLineWithoutId() {
        ConfigException e = authkeysFails("auth\n1 sha256 secret\n");

        assertEquals(authkeysError(1, "directive 'auth' takes 1 argument (auth N), got 0"), e.getMessage());
    }

    @Test
    void shouldRejectActiveKeyThatIsNotListed() {
        ConfigException e = authkeysFails("auth 3\n1 sha256 a\n2 sha256 b\n");

        assertEquals(authkeysError(1, "auth=3 names no listed key (listed: [1, 2])"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "auth 0|1 sha256 a, 1, 'auth=0 must be in 1..255'",
            "auth 1|256 sha256 a, 2, 'key id=256 must be in 1..255'",
            "auth 1|0 sha256 a, 2, 'key id=0 must be in 1..255'",
            "auth one|1 sha256 a, 1, 'auth=one must be a number in 1..255'"})
    void shouldRejectKeyIdOutOfRange(String lines, int line, String problem) {
        ConfigException e = authkeysFails(lines.replace('|', '\n'));

        assertEquals(authkeysError(line, problem), e.getMessage());
    }

    @Test
    void shouldRejectDuplicateKeyId() {
        ConfigException e = authkeysFails("auth 1\n1 sha256 a\n\n1 sha256 b\n");

        assertEquals(authkeysError(4, "key 1 is listed twice (first on line 2)"), e.getMessage());
    }

    @Test
    void shouldRejectLineThatIsNeitherAuthNorKey() {
        ConfigException e = authkeysFails("auth 1\n1 sha256 a\nsecret-on-its-own-line\n");

        assertEquals(authkeysError(3, "line is neither 'auth N' nor 'N sha256 SECRET'"), e.getMessage());
    }
}
