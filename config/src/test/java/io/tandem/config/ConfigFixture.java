package io.tandem.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A real config directory on disk, holding the typical two-director lab config unless a test overrides a file. */
final class ConfigFixture {
    static final String LAB_HA_CF = """
            # two directors on one LAN
            keepalive 50ms
            deadtime 250ms
            warntime 150ms
            initdead 1s
            udpport 694
            auto_failback off
            ucast eth0 198.51.100.1
            ucast eth0 198.51.100.2
            node d1 d2
            """;
    static final String LAB_HARESOURCES = "d1 IPaddr2::198.51.100.10/24/eth0\n";
    static final String LAB_AUTHKEYS = "auth 1\n1 sha256 some-secret\n";
    static final String D1_ADDRESS = "198.51.100.1";
    static final String D2_ADDRESS = "198.51.100.2";

    private final Path dir;

    ConfigFixture(Path dir) {
        this.dir = dir;
        haCf(LAB_HA_CF);
        haresources(LAB_HARESOURCES);
        authkeys(LAB_AUTHKEYS);
    }

    /** A minimal ha.cf: only what has no default, plus {@code extra} lines after the header. */
    static String minimalHaCf(String extra) {
        return "ucast eth0 " + D2_ADDRESS + "\nnode d1 d2\n" + extra;
    }

    Path dir() {
        return dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    ConfigFixture haCf(String text) {
        return write(ConfigLoader.HA_CF, text);
    }

    ConfigFixture haresources(String text) {
        return write(ConfigLoader.HARESOURCES, text);
    }

    ConfigFixture authkeys(String text) {
        write(ConfigLoader.AUTHKEYS, text);
        return authkeysMode("rw-------");
    }

    ConfigFixture authkeysMode(String permissions) {
        try {
            Files.setPosixFilePermissions(file(ConfigLoader.AUTHKEYS), PosixFilePermissions.fromString(permissions));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ConfigFixture write(String name, String text) {
        try {
            Files.writeString(file(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Loads as d1, whose own address is {@link #D1_ADDRESS}. */
    ClusterConfig load() throws ConfigException {
        return loadAs("d1", D1_ADDRESS);
    }

    ClusterConfig loadAs(String node, String ownAddress) throws ConfigException {
        return ConfigLoader.load(dir, node, address -> address.equals(literal(ownAddress)));
    }

    ConfigException loadFails() {
        return assertThrows(ConfigException.class, this::load);
    }

    /** The message a ConfigException carries for {@code file:line: problem}. */
    String message(String name, int line, String problem) {
        return file(name) + (line > 0 ? ":" + line : "") + ": " + problem;
    }

    static InetAddress literal(String address) {
        InetAddress parsed = AddressLiterals.parse(address);
        if (parsed == null) {
            throw new IllegalArgumentException(address);
        }
        return parsed;
    }

    /** Writes ha.cf and returns the error loading it gives. */
    ConfigException haCfFails(String text) {
        haCf(text);
        return loadFails();
    }

    /** The message an error on ha.cf line {@code line} must have. */
    String haCfError(int line, String problem) {
        return message("ha.cf", line, problem);
    }
}
