package io.tandem.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps the maintenance switch in the state directory ({@code maintenance}: "on 3" / "off 4"),
 * so a daemon restarted during maintenance stays frozen instead of removing the VIPs it finds.
 */
final class MaintenanceStore {
    static final String FILE = "maintenance";

    /** The switch and how many times it was flipped cluster-wide. */
    record State(boolean on, long epoch) {
    }

    private MaintenanceStore() {
    }

    static State read(Path stateDir) throws IOException {
        Path f = stateDir.resolve(FILE);
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return new State(false, 0);
        }
        String[] parts = text.split("\\s+");
        try {
            if (parts.length == 2 && (parts[0].equals("on") || parts[0].equals("off"))) {
                return new State(parts[0].equals("on"), Long.parseLong(parts[1]));
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IOException(f + ": '" + text + "' is not 'on N' or 'off N'; remove the file to leave maintenance mode");
    }

    static void write(Path stateDir, boolean on, long epoch) throws IOException {
        Path f = stateDir.resolve(FILE);
        Path tmp = stateDir.resolve(FILE + ".tmp");
        Files.writeString(tmp, (on ? "on " : "off ") + epoch + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
