package io.tandem.config;

import java.util.List;

/**
 * One logical line of a Heartbeat-style file: where it starts and its whitespace-separated
 * words, comments already stripped. Never empty.
 *
 * @param number 1-based number of the physical line the logical line starts on
 */
record ConfigLine(int number, List<String> words) {
    ConfigLine {
        words = List.copyOf(words);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("line " + number + " has no words");
        }
    }

    String directive() {
        return words.get(0);
    }

    List<String> args() {
        return words.subList(1, words.size());
    }

    /** The line with whitespace collapsed to single spaces, as it enters the config digest. */
    String normalised() {
        return String.join(" ", words);
    }
}
