package io.tandem.heartbeat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * This node's boot counter and the last generation seen of each peer, kept durably in the state
 * directory (one decimal number per file):
 * <pre>
 *   STATE_DIR/generation             this node's generation, +1 at every start
 *   STATE_DIR/peer-NAME.generation   the last generation accepted from peer NAME
 * </pre>
 * A file is replaced atomically: written to a temporary file, forced to disk, renamed over the old
 * one, and the directory forced so the rename itself survives a power cut. A missing file reads
 * as 0, so the first generation is 1.
 */
public final class GenerationStore {
    /** This node's generation file. */
    public static final String GENERATION_FILE = "generation";

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    private GenerationStore() {
    }

    /**
     * Reads this node's generation n (0 if missing), durably stores n + 1 and returns it. Called
     * once per start, before the first heartbeat.
     *
     * @throws IOException naming the file when it cannot be read or parsed, or naming the
     *                     directory when it is not writable
     */
    public static long next(Path stateDir) throws IOException {
        Path file = stateDir.resolve(GENERATION_FILE);
        long current = read(file);
        if (current == Long.MAX_VALUE) {
            throw new IOException(file + ": generation=" + current + " cannot be incremented");
        }
        write(stateDir, file, current + 1);
        return current + 1;
    }

    /** The last generation stored for {@code peer}, 0 if none. */
    public static long readPeerGeneration(Path stateDir, String peer) throws IOException {
        return read(peerFile(stateDir, peer));
    }

    /** Durably stores {@code generation} as the last generation seen of {@code peer}. */
    public static void writePeerGeneration(Path stateDir, String peer, long generation) throws IOException {
        if (generation < 0) {
            throw new IllegalArgumentException("generation=" + generation + " of peer=" + peer + " must be >= 0");
        }
        write(stateDir, peerFile(stateDir, peer), generation);
    }

    private static Path peerFile(Path stateDir, String peer) {
        if (peer == null || !SAFE_NAME.matcher(peer).matches()) {
            throw new IllegalArgumentException("peer='" + peer + "' cannot name a state file: it must be 1..64 of "
                    + "[A-Za-z0-9._-] not starting with '.' or '-'");
        }
        return stateDir.resolve("peer-" + peer + ".generation");
    }

    private static long read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e, e);
        }
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": '" + text + "' is not a generation (a decimal number >= 0)", e);
        }
    }

    private static void write(Path dir, Path file, long value) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ByteBuffer content = ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (content.hasRemaining()) {
                    ch.write(content);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("state directory " + dir + " does not support atomic rename", e);
            }
        } catch (IOException e) {
            throw new IOException("state directory " + dir + " is not writable: cannot store " + file + ": " + e, e);
        }
        forceDirectory(dir);
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or fsync a directory; the rename is then as
            // durable as the file system makes it, which is all we can do.
        }
    }
}
