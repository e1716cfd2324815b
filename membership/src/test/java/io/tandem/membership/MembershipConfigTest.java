package io.tandem.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipConfigTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final List<InetSocketAddress> PEERS = List.of(new InetSocketAddress(LOOPBACK, 7694));
    private static final byte[] SECRET = "secret".getBytes(StandardCharsets.UTF_8);

    private static MembershipConfig config(int port, Duration joinTimeout) {
        return new MembershipConfig("tandem", "alpha", LOOPBACK, port, PEERS, SECRET, joinTimeout);
    }

    @Test
    void shouldNameTheValueAndTheRuleWhenThePortIsOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(0, MembershipConfig.DEFAULT_JOIN_TIMEOUT));
        assertEquals("membership: port=0 must be in 1..65535", e.getMessage());
    }

    @Test
    void shouldRefuseAZeroJoinTimeoutNoPeersAndAnEmptySecret() {
        assertThrows(IllegalArgumentException.class, () -> config(7694, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new MembershipConfig("tandem", "alpha", LOOPBACK, 7694,
                List.of(), SECRET, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new MembershipConfig("tandem", "alpha", LOOPBACK, 7694,
                PEERS, new byte[0], Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new MembershipConfig("tandem", " ", LOOPBACK, 7694,
                PEERS, SECRET, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new MembershipConfig("tandem", "alpha", LOOPBACK, 7694,
                List.of(InetSocketAddress.createUnresolved("beta", 7694)), SECRET, Duration.ofSeconds(1)));
    }

    @Test
    void shouldKeepTheSecretOutOfToStringAndAwayFromTheCaller() {
        byte[] secret = "hunter2hunter2".getBytes(StandardCharsets.UTF_8);
        MembershipConfig config = new MembershipConfig("tandem", "alpha", LOOPBACK, MembershipConfig.DEFAULT_PORT,
                PEERS, secret, MembershipConfig.DEFAULT_JOIN_TIMEOUT);

        secret[0] = 'X';

        assertFalse(config.toString().contains("hunter2"));
        assertTrue(config.toString().contains("secret=<hidden>"));
        assertEquals('h', config.secret()[0]);
        assertNotSame(config.secret(), config.secret());
    }
}
