package io.tandem.membership;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ClusterKeyTest {

    @Test
    void shouldMatchRfc5869TestCase3() {
        // RFC 5869 A.3: IKM = 22 x 0x0b, no salt, no info; the first 32 bytes of OKM.
        byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte) 0x0b);

        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d",
                HexFormat.of().formatHex(ClusterKey.hkdfSha256(ikm, new byte[0])));
    }

    @Test
    void shouldDeriveTheSameKeyFromTheSameSecret() {
        byte[] secret = "s3cret".getBytes(StandardCharsets.UTF_8);

        SecretKey key = ClusterKey.derive(secret);

        assertArrayEquals(key.getEncoded(), ClusterKey.derive(secret.clone()).getEncoded());
        assertEquals(32, key.getEncoded().length);
        assertEquals("ChaCha20-Poly1305", key.getAlgorithm());
    }

    @Test
    void shouldDeriveDifferentKeysFromDifferentSecrets() {
        assertFalse(Arrays.equals(ClusterKey.derive("s3cret".getBytes(StandardCharsets.UTF_8)).getEncoded(),
                ClusterKey.derive("s3cret!".getBytes(StandardCharsets.UTF_8)).getEncoded()));
    }

    @Test
    void shouldNotBeTheSecretNorItsPlainHmac() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
        byte[] plainHmac = hmac.doFinal(ClusterKey.LABEL.getBytes(StandardCharsets.US_ASCII));

        byte[] key = ClusterKey.derive(secret).getEncoded();

        assertFalse(Arrays.equals(secret, key));
        assertFalse(Arrays.equals(plainHmac, key));
    }
}
