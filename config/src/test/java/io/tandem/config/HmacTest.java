package io.tandem.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HmacTest {
    @Property(tries = 500)
    void shouldMatchTheJdkMacForAnyKeyAndMessage(@ForAll AuthAlgorithm algorithm,
            @ForAll @Size(min = 1, max = 200) byte[] secret, @ForAll @Size(max = 1400) byte[] message) throws Exception {
        Mac jdk = Mac.getInstance(algorithm.macName());
        jdk.init(new SecretKeySpec(secret, algorithm.macName()));
        byte[] out = new byte[3 + algorithm.macLength()];

        Hmac hmac = new Hmac(algorithm, secret);
        hmac.compute(message, 0, message.length, out, 3);
        hmac.compute(message, 0, message.length, out, 3);

        assertArrayEquals(jdk.doFinal(message), Arrays.copyOfRange(out, 3, out.length));
    }

    @Test
    void shouldMatchRfc4231TestCase2() {
        byte[] out = new byte[32];
        new Hmac(AuthAlgorithm.SHA256, "Jefe".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .compute("what do ya want for nothing?".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 28,
                        out, 0);

        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                java.util.HexFormat.of().formatHex(out));
    }

    @Test
    void shouldAllocateNothingPerMac() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Hmac hmac = new Hmac(AuthAlgorithm.SHA256, new byte[] {1, 2, 3});
        byte[] message = new byte[200];
        byte[] out = new byte[32];
        for (int i = 0; i < 20_000; i++) {
            hmac.compute(message, 0, message.length, out, 0);
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 20_000; i++) {
            hmac.compute(message, 0, message.length, out, 0);
        }
        assertEquals(0, (threads.getThreadAllocatedBytes(id) - before) / 20_000);
    }
}
