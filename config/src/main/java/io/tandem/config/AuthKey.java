package io.tandem.config;

/** One key line of authkeys: {@code N sha256 SECRET}. */
public record AuthKey(int id, AuthAlgorithm algorithm, byte[] secret) {
    @Override
    public String toString() {
        return "AuthKey[id=" + id + ", algorithm=" + algorithm + ", secret=<hidden>]";
    }
}
