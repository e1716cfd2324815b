package io.tandem.heartbeat;

/** Counts, writes and checks UTF-8 without allocating; names on the wire are short, so a loop is enough. */
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

    /**
     * Whether {@code len} bytes at {@code off} are well-formed UTF-8 (no overlong forms, no
     * surrogates, nothing above U+10FFFF), checked without allocating.
     */
    static boolean isValid(byte[] b, int off, int len) {
        int p = off;
        int end = off + len;
        while (p < end) {
            int c = b[p] & 0xFF;
            if (c < 0x80) {
                p++;
                continue;
            }
            int n;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (p + n >= end) {
                return false;
            }
            int cp = c & (0x3F >> n);
            for (int i = 1; i <= n; i++) {
                int cc = b[p + i] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            p += n + 1;
        }
        return true;
    }
}
