package io.tandem.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads Heartbeat's file syntax: UTF-8 text, {@code #} starts a comment that runs to the end of
 * the line, blank lines are ignored, words are separated by whitespace. haresources also lets a
 * trailing backslash continue a line onto the next.
 */
final class ConfigText {
    private static final char COMMENT = '#';
    private static final String CONTINUATION = "\\";

    private ConfigText() {
    }

    /** The logical lines of {@code file}; {@code continuation} joins lines ending in a backslash. */
    static List<ConfigLine> read(Path file, boolean continuation) throws ConfigException {
        return logicalLines(readPhysicalLines(file), continuation);
    }

    /** The file's lines exactly as written; every I/O failure becomes a ConfigException for line 0. */
    static List<String> readPhysicalLines(Path file) throws ConfigException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    static List<ConfigLine> logicalLines(List<String> physical, boolean continuation) {
        List<ConfigLine> lines = new ArrayList<>();
        StringBuilder pending = null;
        int start = 0;
        for (int i = 0; i < physical.size(); i++) {
            String text = stripComment(physical.get(i)).strip();
            boolean continues = continuation && text.endsWith(CONTINUATION);
            if (continues) {
                text = text.substring(0, text.length() - CONTINUATION.length());
            }
            if (pending == null) {
                pending = new StringBuilder();
                start = i + 1;
            }
            pending.append(' ').append(text);
            if (!continues) {
                addIfNotBlank(lines, start, pending);
                pending = null;
            }
        }
        if (pending != null) {
            addIfNotBlank(lines, start, pending);
        }
        return lines;
    }

    static String stripComment(String line) {
        int hash = line.indexOf(COMMENT);
        return hash < 0 ? line : line.substring(0, hash);
    }

    static List<String> words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? List.of() : Arrays.asList(stripped.split("\\s+"));
    }

    /** A warning for {@link ClusterConfig#warnings()}: {@code ha.cf:7: problem}. */
    static String warning(Path file, int line, String problem) {
        return file.getFileName() + ":" + line + ": " + problem;
    }

    static ConfigException unreadable(Path file, IOException e) {
        String reason;
        if (e instanceof NoSuchFileException) {
            reason = "file not found; the config directory must hold ha.cf, authkeys and haresources";
        } else if (e instanceof AccessDeniedException) {
            reason = "cannot read: permission denied";
        } else if (e instanceof MalformedInputException) {
            reason = "cannot read: the file is not valid UTF-8";
        } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
            reason = "cannot read: " + fse.getReason();
        } else {
            reason = "cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return new ConfigException(file, 0, reason);
    }

    private static void addIfNotBlank(List<ConfigLine> lines, int start, CharSequence text) {
        List<String> words = words(text.toString());
        if (!words.isEmpty()) {
            lines.add(new ConfigLine(start, words));
        }
    }
}
