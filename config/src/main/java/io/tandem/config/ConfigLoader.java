package io.tandem.config;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Loads a Tandem config directory: {@code ha.cf}, {@code authkeys} and {@code haresources}, in
 * Heartbeat v1's syntax, so an existing Heartbeat setup can be pointed at Tandem unchanged.
 *
 * <p>Every problem with the files is a {@link ConfigException} naming the file and line; nothing
 * else escapes for bad input.
 */
public final class ConfigLoader {
    public static final String HA_CF = "ha.cf";
    public static final String AUTHKEYS = "authkeys";
    public static final String HARESOURCES = "haresources";

    private ConfigLoader() {
    }

    /**
     * Reads and validates the three files in {@code dir}.
     *
     * @param nodeName       this director's name; must be one of ha.cf's two {@code node}s
     * @param isLocalAddress whether an address belongs to this host; ucast lines naming one are
     *                       skipped, as Heartbeat does, so both nodes can share one ha.cf
     */
    public static ClusterConfig load(Path dir, String nodeName, Predicate<InetAddress> isLocalAddress)
            throws ConfigException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(isLocalAddress, "isLocalAddress");
        Path haCfFile = dir.resolve(HA_CF);
        Path authkeysFile = dir.resolve(AUTHKEYS);
        Path haresourcesFile = dir.resolve(HARESOURCES);
        List<String> warnings = new ArrayList<>();

        List<ConfigLine> haCfLines = ConfigText.read(haCfFile, false);
        HaConfig ha = HaCfParser.parse(haCfFile, haCfLines, isLocalAddress, warnings).conclude(nodeName);
        AuthKeys authKeys = AuthKeysParser.parse(authkeysFile, warnings);
        List<ConfigLine> haresourcesLines = ConfigText.read(haresourcesFile, true);
        List<ResourceGroupSpec> groups =
                HaResourcesParser.parse(haresourcesFile, haresourcesLines, ha.nodes(), warnings);

        return new ClusterConfig(dir, ha, authKeys, groups, digest(haCfLines, haresourcesLines), warnings);
    }

    /**
     * Reads and validates only {@code dir/authkeys} (mode 0600 and all): what a key rotation needs,
     * so the daemon can hand the new keys to the heartbeat transport without re-reading the rest.
     * Warnings (weak algorithms) are appended to {@code warnings}.
     */
    public static AuthKeys loadAuthKeys(Path dir, List<String> warnings) throws ConfigException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(warnings, "warnings");
        return AuthKeysParser.parse(dir.resolve(AUTHKEYS), warnings);
    }

    /**
     * SHA-256 over ha.cf then haresources, each line with comments stripped and whitespace
     * collapsed. Every ucast line counts, including the ones this node skips, so two nodes sharing
     * the same files get the same digest. authkeys is left out: the digest may be sent to the peer.
     */
    static byte[] digest(List<ConfigLine> haCf, List<ConfigLine> haresources) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        update(sha256, haCf);
        sha256.update((byte) 0);
        update(sha256, haresources);
        return sha256.digest();
    }

    private static void update(MessageDigest digest, List<ConfigLine> lines) {
        for (ConfigLine line : lines) {
            digest.update(line.normalised().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
    }
}
