package io.tandem.config;

import static io.tandem.config.ConfigFixture.literal;
import static io.tandem.config.ConfigFixture.minimalHaCf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ha.cf's heartbeat media: ucast, bcast and mcast lines, any number of each, checked with file:line. */
class HaCfMediaTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void writeLabConfig() {
        fixture = new ConfigFixture(dir);
    }

    @Test
    void shouldParseMcastLine() throws Exception {
        fixture.haCf("node d1 d2\nmcast eth1 239.192.0.7 6940 3 1\n");

        HaConfig ha = fixture.load().ha();

        assertEquals(List.of(new McastMedium("eth1", literal("239.192.0.7"), 6940, 3, true, 2)), ha.media());
        assertEquals(List.of(ha.media().get(0)), ha.mcast());
        assertEquals(List.of(), ha.ucast(), "a config with only an mcast medium is valid");
    }

    @Test
    void shouldParseBcastLineWithOneMediumPerDevice() throws Exception {
        fixture.haCf("node d1 d2\nbcast eth1 eth2\nbcast bond0\n");

        HaConfig ha = fixture.load().ha();

        assertEquals(List.of(new BcastMedium("eth1", 2), new BcastMedium("eth2", 2), new BcastMedium("bond0", 3)),
                ha.media());
        assertEquals(ha.media(), ha.bcast());
    }

    @Test
    void shouldKeepEveryKindOfMediumInFileOrder() throws Exception {
        fixture.haCf("node d1 d2\nbcast eth1\nucast eth0 198.51.100.1\nucast eth0 198.51.100.2\n"
                + "mcast eth2 239.0.0.1 694 1 0\n");

        HaConfig ha = fixture.load().ha();

        assertEquals(List.of(new BcastMedium("eth1", 2), new UcastMedium("eth0", literal("198.51.100.2"), 4),
                new McastMedium("eth2", literal("239.0.0.1"), 694, 1, false, 5)), ha.media(),
                "the ucast line naming d1's own address is skipped, the others stay in order");
        assertEquals(List.of(new UcastMedium("eth0", literal("198.51.100.2"), 4)), ha.ucast());
    }

    @Test
    void shouldNameEachMediumForStatusAndLogs() {
        assertEquals("ucast eth0 198.51.100.2", new UcastMedium("eth0", literal("198.51.100.2"), 1).name());
        assertEquals("ucast 198.51.100.2", new UcastMedium("eth0", literal("198.51.100.2"), 1).detail());
        assertEquals("bcast eth1", new BcastMedium("eth1", 1).name());
        assertEquals("bcast", new BcastMedium("eth1", 1).detail());
        McastMedium mcast = new McastMedium("eth2", literal("239.0.0.1"), 694, 1, false, 1);
        assertEquals("mcast eth2 239.0.0.1:694", mcast.name());
        assertEquals("mcast 239.0.0.1:694", mcast.detail());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mcast eth1 192.0.2.9 694 1 0 | mcast group=192.0.2.9 must be an IPv4 multicast address (224.0.0.0/4)",
            "mcast eth1 ff02::1 694 1 0 | mcast group=ff02::1 must be an IPv4 multicast address (224.0.0.0/4);"
                    + " IPv6 multicast (mcast6) is not supported",
            "mcast eth1 mcast.example 694 1 0 | mcast group=mcast.example is not an IP address literal"
                    + " (Tandem does no DNS lookups)",
            "mcast eth1 239.0.0.1 0 1 0 | mcast port=0 must be in 1..65535",
            "mcast eth1 239.0.0.1 65536 1 0 | mcast port=65536 must be in 1..65535",
            "mcast eth1 239.0.0.1 http 1 0 | mcast port=http is not a whole number",
            "mcast eth1 239.0.0.1 694 0 0 | mcast ttl=0 must be in 1..255",
            "mcast eth1 239.0.0.1 694 256 0 | mcast ttl=256 must be in 1..255",
            "mcast eth1 239.0.0.1 694 1 2 | mcast loop=2 must be 0 or 1",
            "mcast eth1 239.0.0.1 694 1 yes | mcast loop=yes must be 0 or 1",
            "mcast eth1:0 239.0.0.1 694 1 0 | mcast device=eth1:0 is an alias label, not a device;"
                    + " name the device itself (eth1)",
            "mcast eth1 239.0.0.1 694 1 | directive 'mcast' takes 5 arguments (mcast DEV GROUP PORT TTL LOOP), got 4",
            "bcast | directive 'bcast' needs at least 1 argument (bcast DEV [DEV...])",
            "bcast eth1 eth0:1 | bcast device=eth0:1 is an alias label, not a device; name the device itself (eth0)",
            "bcast eth1 averyveryverylongname0 | bcast device=averyveryverylongname0 is not an interface name"})
    void shouldRejectBadMediumLineWithFileAndLine(String line, String problem) {
        ConfigException e = fixture.haCfFails(minimalHaCf(line + "\n"));

        assertEquals(fixture.haCfError(3, problem), e.getMessage());
        assertEquals(3, e.line());
    }

    @Test
    void shouldRejectSameBcastDeviceTwice() {
        ConfigException e = fixture.haCfFails(minimalHaCf("bcast eth1 eth2\nbcast eth2\n"));

        assertEquals(fixture.haCfError(4, "bcast device=eth2 is listed twice (first on line 3)"), e.getMessage());
    }

    @Test
    void shouldRejectSameMcastGroupAndPortOnOneDeviceTwice() {
        ConfigException e = fixture.haCfFails(minimalHaCf("mcast eth1 239.0.0.1 694 1 0\nmcast eth1 239.0.0.1 694 2 1\n"));

        assertEquals(fixture.haCfError(4, "mcast eth1 239.0.0.1:694 is listed twice (first on line 3)"), e.getMessage());
    }

    @Test
    void shouldAcceptOneGroupOnTwoDevicesOrTwoPorts() throws Exception {
        fixture.haCf(minimalHaCf("mcast eth1 239.0.0.1 694 1 0\nmcast eth2 239.0.0.1 694 1 0\n"
                + "mcast eth1 239.0.0.1 695 1 0\n"));

        assertEquals(3, fixture.load().ha().mcast().size());
    }

    @Test
    void shouldRejectTwoUcastLinesNamingOnePeerAddress() {
        ConfigException e = fixture.haCfFails(minimalHaCf("ucast eth1 198.51.100.2\n"));

        assertEquals(fixture.haCfError(3, "ucast ip=198.51.100.2 is listed twice (first on line 1); the receiver tells"
                + " ucast links apart by the peer address, so each ucast line must name a different one"),
                e.getMessage());
    }

    @Test
    void shouldAcceptConfigWithOnlyBcastMedia() throws Exception {
        fixture.haCf("node d1 d2\nbcast eth0\n");

        assertEquals(List.of(new BcastMedium("eth0", 2)), fixture.load().ha().media());
    }

    @Test
    void shouldCountBcastAsMediumWhenEveryUcastLineNamesOwnAddress() throws Exception {
        fixture.haCf("node d1 d2\nucast eth0 198.51.100.1\nbcast eth0\n");

        assertEquals(List.of(new BcastMedium("eth0", 3)), fixture.load().ha().media());
    }

    @Test
    void shouldRefuseToBuildMcastMediumOutsideItsRanges() {
        assertThrows(IllegalArgumentException.class,
                () -> new McastMedium("eth0", literal("192.0.2.1"), 694, 1, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new McastMedium("eth0", literal("ff02::1"), 694, 1, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new McastMedium("eth0", literal("239.0.0.1"), 0, 1, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new McastMedium("eth0", literal("239.0.0.1"), 694, 0, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new McastMedium("eth0", literal("239.0.0.1"), 694, 256, false, 0));
    }
}
