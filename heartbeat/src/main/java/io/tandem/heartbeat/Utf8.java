package io.tandem.heartbeat;

/** Counts and writes UTF-8 without allocating; names on the wire are short, so a loop is enough. */
final class Utf8 {
    private Utf8() {
    }

    /** The number of UTF-8 bytes {@code s} encodes to, or -1 when it holds an unpaired surrogate. */
    static int encodedLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return -1;
                }
                n += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return -1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * Writes {@code s} (which must have passed {@link #encodedLength}) at {@code off}; returns the
     * index after the last byte written.
     */
    static int encode(String s, byte[] dst, int off) {
        int p = off;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst[p++] = (byte) c;
            } else if (c < 0x800) {
                dst[p++] = (byte) (0xC0 | (c >> 6));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                dst[p++] = (byte) (0xF0 | (cp >> 18));
                dst[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                dst[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                dst[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                dst[p++] = (byte) (0xE0 | (c >> 12));
                dst[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                dst[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p;
    }
}
