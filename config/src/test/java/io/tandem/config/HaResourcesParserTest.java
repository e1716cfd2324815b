package io.tandem.config;

import static io.tandem.config.ConfigFixture.literal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HaResourcesParserTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void writeLabConfig() {
        fixture = new ConfigFixture(dir);
    }

    private List<ResourceGroupSpec> groups(String haresources) throws ConfigException {
        fixture.haresources(haresources);
        return fixture.load().groups();
    }

    private ResourceSpec onlyResource(String word) throws ConfigException {
        List<ResourceGroupSpec> groups = groups("d1 " + word + "\n");
        assertEquals(1, groups.size());
        assertEquals(1, groups.get(0).resources().size());
        return groups.get(0).resources().get(0);
    }

    private ConfigException haresourcesFails(String haresources) {
        fixture.haresources(haresources);
        return fixture.loadFails();
    }

    private String haresourcesError(int line, String problem) {
        return fixture.message("haresources", line, problem);
    }

    @Test
    void shouldParseIPaddr2WithPrefixAndDevice() throws Exception {
        ResourceSpec resource = onlyResource("IPaddr2::198.51.100.10/24/eth0");

        assertEquals(new VipSpec("IPaddr2", literal("198.51.100.10"), 24, "eth0", "IPaddr2::198.51.100.10/24/eth0"),
                resource);
    }

    @Test
    void shouldParseIPaddrWithBroadcastAndWarnThatItIsIgnored() throws Exception {
        ClusterConfig config = fixture.haresources("\nd2 IPaddr::198.51.100.10/25/eth1/198.51.100.127\n").load();

        assertEquals(new VipSpec("IPaddr", literal("198.51.100.10"), 25, "eth1",
                "IPaddr::198.51.100.10/25/eth1/198.51.100.127"), config.groups().get(0).resources().get(0));
        assertEquals(List.of("haresources:2: broadcast=198.51.100.127 of IPaddr::198.51.100.10/25/eth1/198.51.100.127"
                + " is not used by Tandem; the broadcast address follows from the prefix"), config.warnings());
    }

    @Test
    void shouldDefaultIPv4PrefixTo32AndLeaveDeviceToBeChosen() throws Exception {
        VipSpec vip = assertInstanceOf(VipSpec.class, onlyResource("IPaddr2::198.51.100.10"));

        assertEquals(32, vip.prefixLength());
        assertNull(vip.device());
    }

    @Test
    void shouldParseBareIPv4AddressAsIPaddr() throws Exception {
        ResourceSpec resource = onlyResource("198.51.100.10");

        assertEquals(new VipSpec("IPaddr", literal("198.51.100.10"), 32, null, "198.51.100.10"), resource);
    }

    @Test
    void shouldParseBareIPv4AddressWithPrefixAndDevice() throws Exception {
        ResourceSpec resource = onlyResource("198.51.100.10/24/eth0");

        assertEquals(new VipSpec("IPaddr", literal("198.51.100.10"), 24, "eth0", "198.51.100.10/24/eth0"), resource);
    }

    @Test
    void shouldParseIPv6addrWithPrefixAndDevice() throws Exception {
        ResourceSpec resource = onlyResource("IPv6addr::2001:db8::10/64/eth0");

        assertEquals(new VipSpec("IPv6addr", literal("2001:db8::10"), 64, "eth0", "IPv6addr::2001:db8::10/64/eth0"),
                resource);
    }

    @Test
    void shouldDefaultIPv6PrefixTo128() throws Exception {
        VipSpec vip = assertInstanceOf(VipSpec.class, onlyResource("IPv6addr::2001:db8::10"));

        assertEquals(128, vip.prefixLength());
    }

    @Test
    void shouldParseNamedResourcesWithArguments() throws Exception {
        List<ResourceSpec> resources = groups("d1 ldirectord::director.cf Filesystem::/dev/sdb1::/srv::ext4 postfix\n")
                .get(0).resources();

        assertEquals(List.of(
                new NamedResourceSpec("ldirectord", List.of("director.cf"), "ldirectord::director.cf"),
                new NamedResourceSpec("Filesystem", List.of("/dev/sdb1", "/srv", "ext4"),
                        "Filesystem::/dev/sdb1::/srv::ext4"),
                new NamedResourceSpec("postfix", List.of(), "postfix")), resources);
    }

    @Test
    void shouldNameGroupAfterFirstResource() throws Exception {
        List<ResourceGroupSpec> groups = groups("""
                d1 IPaddr2::198.51.100.10/24/eth0 ldirectord
                d2 ldirectord::other.cf IPaddr2::198.51.100.11/24/eth0
                d2 IPv6addr::2001:db8::10/64
                """);

        assertEquals(List.of("198.51.100.10", "ldirectord", "2001:db8:0:0:0:0:0:10"),
                groups.stream().map(ResourceGroupSpec::name).toList());
        assertEquals(List.of("d1", "d2", "d2"), groups.stream().map(ResourceGroupSpec::preferredNode).toList());
        assertEquals(List.of(1, 2, 3), groups.stream().map(ResourceGroupSpec::line).toList());
    }

    @Test
    void shouldJoinBackslashContinuedLinesAndKeepTheFirstLineNumber() throws Exception {
        List<ResourceGroupSpec> groups = groups("""
                # web
                d1 IPaddr2::198.51.100.10/24/eth0 \\
                   IPaddr2::198.51.100.11/24/eth0 \\
                   ldirectord
                d2 postfix
                """);

        assertEquals(2, groups.size());
        assertEquals(2, groups.get(0).line());
        assertEquals(3, groups.get(0).resources().size());
        assertEquals(5, groups.get(1).line());
    }

    @Test
    void shouldAcceptHaresourcesWithNoGroups() throws Exception {
        assertEquals(List.of(), groups("# nothing here yet\n\n"));
        assertEquals(List.of(), groups(""));
    }

    @Test
    void shouldRejectNodeNotListedInHaCf() {
        ConfigException e = haresourcesFails("d3 IPaddr2::198.51.100.10/24/eth0\n");

        assertEquals(haresourcesError(1, "node=d3 is not one of ha.cf's nodes=[d1, d2]"), e.getMessage());
    }

    @Test
    void shouldRejectGroupWithoutResources() {
        ConfigException e = haresourcesFails("d1 198.51.100.10\nd2\n");

        assertEquals(haresourcesError(2, "group of node d2 lists no resources"), e.getMessage());
    }

    @Test
    void shouldRejectDuplicateGroupNameNamingBothLines() {
        ConfigException e = haresourcesFails("d1 ldirectord::a.cf\n\nd2 ldirectord::b.cf\n");

        assertEquals(haresourcesError(3, "group ldirectord is already defined on line 1"), e.getMessage());
    }

    @Test
    void shouldRejectVipUsedInTwoGroupsNamingBothLines() {
        ConfigException e = haresourcesFails("d1 IPaddr2::198.51.100.10/24/eth0\nd2 postfix 198.51.100.10\n");

        assertEquals(haresourcesError(2, "VIP 198.51.100.10 is already used on line 1"), e.getMessage());
    }

    @Test
    void shouldRejectVipListedTwiceInOneGroup() {
        ConfigException e = haresourcesFails("d1 postfix 198.51.100.10 IPaddr2::198.51.100.10/24\n");

        assertEquals(haresourcesError(1, "VIP 198.51.100.10 is already used earlier on this line"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IPaddr2::198.51.100.10/0/eth0 | resource IPaddr2::198.51.100.10/0/eth0: prefix=0 must be a prefix"
                    + " length in 1..32 (24, not 255.255.255.0)",
            "IPaddr::198.51.100.10/33 | resource IPaddr::198.51.100.10/33: prefix=33 must be a prefix length"
                    + " in 1..32 (24, not 255.255.255.0)",
            "IPaddr::198.51.100.10/255.255.255.0 | resource IPaddr::198.51.100.10/255.255.255.0:"
                    + " prefix=255.255.255.0 must be a prefix length in 1..32 (24, not 255.255.255.0)",
            "IPaddr2::198.51.100.10//eth0 | resource IPaddr2::198.51.100.10//eth0: prefix= must be a prefix length"
                    + " in 1..32 (24, not 255.255.255.0)",
            "IPv6addr::2001:db8::10/129 | resource IPv6addr::2001:db8::10/129: prefix=129 must be a prefix length"
                    + " in 1..128 (24, not 255.255.255.0)",
            "IPaddr2::198.51.100.10/24/eth0/198.51.100.255/x | resource IPaddr2::198.51.100.10/24/eth0/198.51.100.255/x"
                    + " has too many '/' parts; the form is IPaddr2::ADDR[/PREFIX[/DEV[/BROADCAST]]]",
            "IPv6addr::2001:db8::10/64/eth0/x | resource IPv6addr::2001:db8::10/64/eth0/x has too many '/' parts;"
                    + " the form is IPv6addr::ADDR[/PREFIX[/DEV]]",
            "IPaddr2::198.51.100.10/24/eth0/bcast | resource IPaddr2::198.51.100.10/24/eth0/bcast:"
                    + " broadcast=bcast is not an IPv4 address",
            "IPaddr2::198.51.100.10/24/averyveryverylongname0 | resource IPaddr2::198.51.100.10/24/"
                    + "averyveryverylongname0: device=averyveryverylongname0 is not an interface name"})
    void shouldRejectBadPrefixDeviceOrShape(String word, String problem) {
        ConfigException e = haresourcesFails("d1 " + word + "\n");

        assertEquals(haresourcesError(1, problem), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IPaddr2::www.example.net/24 | resource IPaddr2::www.example.net/24: address=www.example.net is not an"
                    + " IPv4 address literal (Tandem does no DNS lookups)",
            "IPv6addr::localhost | resource IPv6addr::localhost: address=localhost is not an IPv6 address literal"
                    + " (Tandem does no DNS lookups)",
            "198.51.100.300 | resource 198.51.100.300: address=198.51.100.300 is not an IPv4 address literal"
                    + " (Tandem does no DNS lookups)",
            "IPaddr::198.51.100.256 | resource IPaddr::198.51.100.256: address=198.51.100.256 is not an IPv4"
                    + " address literal (Tandem does no DNS lookups)",
            "198.51.100 | resource 198.51.100: address=198.51.100 is not an IPv4 address literal"
                    + " (Tandem does no DNS lookups)",
            "IPaddr::010.1.1.1 | resource IPaddr::010.1.1.1: address=010.1.1.1 is not an IPv4 address literal"
                    + " (Tandem does no DNS lookups)",
            "IPv6addr::fe80::1%eth0/64 | resource IPv6addr::fe80::1%eth0/64: address=fe80::1%eth0 is not an IPv6"
                    + " address literal (Tandem does no DNS lookups)",
            "IPaddr2::2001:db8::10/64 | resource IPaddr2::2001:db8::10/64: IPaddr2 takes an IPv4 address;"
                    + " use IPv6addr::2001:db8::10",
            "IPv6addr::198.51.100.10/24 | resource IPv6addr::198.51.100.10/24: IPv6addr takes an IPv6 address;"
                    + " use IPaddr2::198.51.100.10",
            "2001:db8::10/64 | resource 2001:db8::10/64 is a bare IPv6 address; write IPv6addr::2001:db8::10/64",
            "IPaddr2::127.0.0.2 | resource IPaddr2::127.0.0.2: address=127.0.0.2 is not a unicast host address",
            "IPaddr2::224.0.0.18 | resource IPaddr2::224.0.0.18: address=224.0.0.18 is not a unicast host address",
            "IPv6addr::2001:db8::zz | resource IPv6addr::2001:db8::zz: address=2001:db8::zz is not an IPv6 address"
                    + " literal (Tandem does no DNS lookups)",
            "IPaddr2 | resource IPaddr2 needs an address: IPaddr2::ADDR[/PREFIX[/DEV]]"})
    void shouldParseAddressesStrictlyWithoutDns(String word, String problem) {
        ConfigException e = haresourcesFails("d1 " + word + "\n");

        assertEquals(haresourcesError(1, problem), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "../../bin/sh | resource name=../../bin/sh is not a script name (letters, digits and _ . + @ -)",
            "ldirectord:: | resource ldirectord:: has an empty argument; the form is NAME::ARG::ARG",
            "::x | resource name= is not a script name (letters, digits and _ . + @ -)"})
    void shouldRejectBadNamedResource(String word, String problem) {
        ConfigException e = haresourcesFails("d1 " + word + "\n");

        assertEquals(haresourcesError(1, problem), e.getMessage());
    }
}
