package io.tandem.config;

import java.nio.file.Path;

/**
 * A configuration file is wrong. The message always names the file and, where there is one,
 * the line: {@code ha.cf:12: deadtime=200ms must be > 2 x keepalive=150ms}.
 */
public final class ConfigException extends Exception {
    private final Path file;
    private final int line;

    /** A problem on one line of a file; {@code line} is 1-based, 0 means "the file as a whole". */
    public ConfigException(Path file, int line, String problem) {
        super(location(file, line) + ": " + problem);
        this.file = file;
        this.line = line;
    }

    private static String location(Path file, int line) {
        String name = file == null ? "<config>" : file.toString();
        return line > 0 ? name + ":" + line : name;
    }

    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }
}
