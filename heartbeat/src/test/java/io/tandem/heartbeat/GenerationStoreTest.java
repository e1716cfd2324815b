package io.tandem.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationStoreTest {
    @TempDir
    Path stateDir;

    @Test
    void shouldStartAtOneAndIncrement() throws IOException {
        assertEquals(1, GenerationStore.next(stateDir));
        assertEquals(2, GenerationStore.next(stateDir));
        assertEquals(3, GenerationStore.next(stateDir));
        assertEquals("3\n", Files.readString(stateDir.resolve("generation")));
        assertFalse(Files.exists(stateDir.resolve("generation.tmp")), "no temporary file left behind");
    }

    @Test
    void shouldContinueFromWhatAnEarlierRunStored() throws IOException {
        Files.writeString(stateDir.resolve("generation"), "41\n");

        assertEquals(42, GenerationStore.next(stateDir), "a restart continues the count");
        assertEquals(42, Long.parseLong(Files.readString(stateDir.resolve("generation")).trim()));
    }

    @Test
    void shouldNameTheDirectoryWhenItIsNotWritable() throws IOException {
        // Root may write anywhere, so make the temporary file impossible to create instead.
        Path blocker = Files.createDirectories(stateDir.resolve("generation.tmp").resolve("x"));

        IOException e = assertThrows(IOException.class, () -> GenerationStore.next(stateDir));

        assertTrue(e.getMessage().startsWith("state directory " + stateDir + " is not writable"), e.getMessage());
        assertTrue(e.getMessage().contains(stateDir.resolve("generation").toString()), e.getMessage());
        assertTrue(Files.exists(blocker));
    }

    @Test
    void shouldNameThePathWhenTheStateDirectoryIsAFile() throws IOException {
        Path notADirectory = Files.writeString(stateDir.resolve("file"), "x");

        IOException e = assertThrows(IOException.class, () -> GenerationStore.next(notADirectory));

        assertTrue(e.getMessage().contains(notADirectory.resolve("generation").toString()), e.getMessage());
    }

    @Test
    void shouldRefuseACorruptGenerationFile() throws IOException {
        Files.writeString(stateDir.resolve("generation"), "twelve");

        IOException e = assertThrows(IOException.class, () -> GenerationStore.next(stateDir));

        assertEquals(stateDir.resolve("generation") + ": 'twelve' is not a generation (a decimal number >= 0)",
                e.getMessage());
        assertEquals("twelve", Files.readString(stateDir.resolve("generation")), "left as it was");
    }

    @Test
    void shouldStorePeerGenerations() throws IOException {
        assertEquals(0, GenerationStore.readPeerGeneration(stateDir, "beta"));

        GenerationStore.writePeerGeneration(stateDir, "beta", 17);
        GenerationStore.writePeerGeneration(stateDir, "gamma.example.org", 3);

        assertEquals(17, GenerationStore.readPeerGeneration(stateDir, "beta"));
        assertEquals(3, GenerationStore.readPeerGeneration(stateDir, "gamma.example.org"));
        assertTrue(Files.exists(stateDir.resolve("peer-beta.generation")));
        assertEquals(1, GenerationStore.next(stateDir), "independent of our own generation");
    }

    @Test
    void shouldRefusePeerNamesThatAreNotFileNames() {
        assertThrows(IllegalArgumentException.class, () -> GenerationStore.writePeerGeneration(stateDir, "../x", 1));
        assertThrows(IllegalArgumentException.class, () -> GenerationStore.readPeerGeneration(stateDir, ".hidden"));
        assertThrows(IllegalArgumentException.class, () -> GenerationStore.readPeerGeneration(stateDir, "a/b"));
        assertThrows(IllegalArgumentException.class, () -> GenerationStore.writePeerGeneration(stateDir, "b", -1));
    }
}
