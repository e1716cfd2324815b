package io.tandem.health;

/** Quoting of what a server said, for reasons. */
final class ProtocolText {
    private static final int MAX = 80;

    private ProtocolText() {
    }

    /** The first line of {@code text}, at most 80 characters, quoted; {@code nothing} when empty. */
    static String excerpt(String text) {
        if (text == null || text.isEmpty()) {
            return "nothing";
        }
        String line = text.strip().lines().findFirst().orElse("");
        return "\"" + (line.length() > MAX ? line.substring(0, MAX) + "..." : line) + "\"";
    }
}
