package io.tandem.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses authkeys: one {@code auth N} line naming the active key and any number of
 * {@code N ALGORITHM SECRET} key lines. The secret is the rest of the line, so it may hold spaces
 * and {@code #}; only whole lines starting with {@code #} are comments here.
 *
 * <p>The file must not be readable by group or others, and no error message ever quotes a key
 * line beyond its id, so a secret cannot leak into a log.
 */
final class AuthKeysParser {
    private static final int MIN_KEY_ID = 1;
    private static final int MAX_KEY_ID = 255;
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path file;
    private final List<String> warnings;
    private final Map<Integer, AuthKey> keys = new TreeMap<>();
    private final Map<Integer, Integer> keyLines = new TreeMap<>();
    private int activeId;
    private int authLine;

    private AuthKeysParser(Path file, List<String> warnings) {
        this.file = file;
        this.warnings = warnings;
    }

    /** Checks the file's mode, then reads it; warnings about weak keys are appended to {@code warnings}. */
    static AuthKeys parse(Path file, List<String> warnings) throws ConfigException {
        checkMode(file);
        AuthKeysParser parser = new AuthKeysParser(file, warnings);
        List<String> lines = ConfigText.readPhysicalLines(file);
        for (int i = 0; i < lines.size(); i++) {
            parser.onLine(i + 1, lines.get(i).strip());
        }
        return parser.conclude();
    }

    static void checkMode(Path file) throws ConfigException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            throw ConfigText.unreadable(file, e);
        } catch (UnsupportedOperationException e) {
            throw new ConfigException(file, 0, "cannot check the mode: the file system has no POSIX permissions");
        }
        if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            throw new ConfigException(file, 0, "mode " + octal(permissions)
                    + " is too open; authkeys must be 0600 (chmod 600 " + file + ")");
        }
    }

    /** {@code 0644} for rw-r--r--. */
    static String octal(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            // The enum runs OWNER_READ (0400) down to OTHERS_EXECUTE (0001).
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format(Locale.ROOT, "%04o", mode);
    }

    private void onLine(int number, String text) throws ConfigException {
        if (text.isEmpty() || text.charAt(0) == '#') {
            return;
        }
        String[] fields = text.split("\\s+", 3);
        if (fields[0].equals("auth")) {
            onAuth(number, ConfigText.words(ConfigText.stripComment(text)));
        } else if (fields[0].matches("-?[0-9]+")) {
            onKey(number, fields);
        } else {
            throw new ConfigException(file, number, "line is neither 'auth N' nor 'N sha256 SECRET'");
        }
    }

    private void onAuth(int number, List<String> words) throws ConfigException {
        if (words.size() != 2) {
            throw new ConfigException(file, number,
                    "directive 'auth' takes 1 argument (auth N), got " + (words.size() - 1));
        }
        if (authLine != 0) {
            throw new ConfigException(file, number, "auth is set twice (first on line " + authLine + ")");
        }
        activeId = keyId(number, "auth", words.get(1));
        authLine = number;
    }

    private void onKey(int number, String[] fields) throws ConfigException {
        int id = keyId(number, "key id", fields[0]);
        if (fields.length < 3) {
            throw new ConfigException(file, number, "key " + id + " has no secret; the form is N sha256 SECRET");
        }
        AuthAlgorithm algorithm = algorithm(number, id, fields[1]);
        Integer first = keyLines.putIfAbsent(id, number);
        if (first != null) {
            throw new ConfigException(file, number, "key " + id + " is listed twice (first on line " + first + ")");
        }
        if (!algorithm.strong()) {
            warnings.add(ConfigText.warning(file, number, "key " + id + " uses " + name(algorithm)
                    + ", which is weak; use sha256"));
        }
        keys.put(id, new AuthKey(id, algorithm, fields[2].strip().getBytes(StandardCharsets.UTF_8)));
    }

    private AuthAlgorithm algorithm(int number, int id, String text) throws ConfigException {
        String word = text.toLowerCase(Locale.ROOT);
        for (AuthAlgorithm algorithm : AuthAlgorithm.values()) {
            if (name(algorithm).equals(word)) {
                return algorithm;
            }
        }
        if (word.equals("crc")) {
            throw new ConfigException(file, number,
                    "key " + id + " uses crc, which is a checksum, not authentication; use sha256");
        }
        // The word is not echoed: when the algorithm was left out, it is the start of the secret.
        throw new ConfigException(file, number, "key " + id + " names an unknown algorithm; use sha256, sha1 or md5");
    }

    private int keyId(int number, String key, String text) throws ConfigException {
        if (!text.matches("-?[0-9]{1,9}")) {
            throw new ConfigException(file, number, key + "=" + text + " must be a number in "
                    + MIN_KEY_ID + ".." + MAX_KEY_ID);
        }
        int id = Integer.parseInt(text);
        if (id < MIN_KEY_ID || id > MAX_KEY_ID) {
            throw new ConfigException(file, number, key + "=" + text + " must be in " + MIN_KEY_ID + ".." + MAX_KEY_ID);
        }
        return id;
    }

    private AuthKeys conclude() throws ConfigException {
        if (authLine == 0) {
            throw new ConfigException(file, 0, "no 'auth N' line selects the active key");
        }
        if (!keys.containsKey(activeId)) {
            throw new ConfigException(file, authLine, "auth=" + activeId + " names no listed key (listed: "
                    + keys.keySet() + ")");
        }
        return new AuthKeys(activeId, keys);
    }

    /** The spelling authkeys uses: {@code sha256}, {@code sha1}, {@code md5}. */
    private static String name(AuthAlgorithm algorithm) {
        return algorithm.name().toLowerCase(Locale.ROOT);
    }
}
