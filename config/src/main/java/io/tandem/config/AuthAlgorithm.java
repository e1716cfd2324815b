package io.tandem.config;

/** The digest an {@code authkeys} key line names. Only SHA-256 is considered strong. */
public enum AuthAlgorithm {
    SHA256("HmacSHA256", 32, true),
    SHA1("HmacSHA1", 20, false),
    MD5("HmacMD5", 16, false);

    private final String macName;
    private final int macLength;
    private final boolean strong;

    AuthAlgorithm(String macName, int macLength, boolean strong) {
        this.macName = macName;
        this.macLength = macLength;
        this.strong = strong;
    }

    /** The JCA algorithm name for {@link javax.crypto.Mac#getInstance(String)}. */
    public String macName() {
        return macName;
    }

    /** Length in bytes of the MAC this algorithm produces. */
    public int macLength() {
        return macLength;
    }

    public boolean strong() {
        return strong;
    }
}
