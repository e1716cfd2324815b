package io.tandem.config.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.config.ClusterConfig;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import io.tandem.config.DirectorCfParser;
import io.tandem.config.VipSpec;
import io.tandem.config.director.CheckSpec;
import io.tandem.config.director.DirectorConfig;
import io.tandem.config.director.VirtualServiceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived.conf to Tandem: the typical two-director LVS-DR file (test resource
 * {@code keepalived/keepalived.conf}) becomes ha.cf, haresources and director.cf that Tandem's own
 * parsers load, and everything that does not carry over is listed with its line.
 */
class KeepalivedTranslatorTest {
    @TempDir
    Path dir;

    private Path resource(String name) throws IOException {
        Path target = dir.resolve("keepalived.conf");
        try (InputStream in = KeepalivedTranslatorTest.class.getResourceAsStream("/keepalived/" + name)) {
            Files.copy(in, target);
        }
        return target;
    }

    private Path conf(String text) throws IOException {
        Path file = dir.resolve("keepalived.conf");
        Files.writeString(file, text);
        return file;
    }

    private static KeepalivedTranslation translate(Path file) throws ConfigException {
        return KeepalivedTranslator.translate(file, KeepalivedConfParser.parse(file), "d1", "d2");
    }

    /** Writes the translation as a config directory (authkeys 0600) and loads it with Tandem's loader. */
    private ClusterConfig install(KeepalivedTranslation t, Path out, String node, String ownAddress) throws Exception {
        Files.createDirectories(out);
        Files.writeString(out.resolve("ha.cf"), t.haCf());
        Files.writeString(out.resolve("haresources"), t.haresources());
        for (Map.Entry<String, String> f : t.directorFiles().entrySet()) {
            Files.writeString(out.resolve(f.getKey()), f.getValue());
        }
        Path keys = out.resolve("authkeys");
        Files.writeString(keys, KeepalivedTranslation.authkeysWithFreshKey(new SecureRandom()));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        InetAddress own = InetAddress.getByName(ownAddress);
        return ConfigLoader.load(out, node, own::equals);
    }

    private static final String TWO_NODE = """
            vrrp_instance VI_1 {
                state %s
                interface eth0
                virtual_router_id 51
                priority %s
                advert_int %s
                %s
                virtual_ipaddress {
                    198.51.100.10/24
                }
            }
            """;

    @Test
    void typicalPairShouldBecomeConfigThatTandemLoadsOnBothDirectors() throws Exception {
        Path file = resource("keepalived.conf");
        KeepalivedTranslation t = translate(file);

        ClusterConfig asD1 = install(t, dir.resolve("out"), "d1", "198.51.100.1");
        assertEquals(List.of("d1", "d2"), asD1.ha().nodes());
        assertEquals(Duration.ofSeconds(1), asD1.ha().keepalive());
        assertEquals(Duration.ofSeconds(3), asD1.ha().deadtime());
        assertTrue(asD1.ha().autoFailback(), "keepalived preempts by default");
        assertEquals("198.51.100.2", asD1.ha().ucast().get(0).peer().getHostAddress());
        ClusterConfig asD2 = ConfigLoader.load(dir.resolve("out"), "d2", InetAddress.getByName("198.51.100.2")::equals);
        assertEquals("198.51.100.1", asD2.ha().ucast().get(0).peer().getHostAddress());

        assertEquals(1, asD1.groups().size());
        assertEquals("d1", asD1.groups().get(0).preferredNode());
        VipSpec vip = (VipSpec) asD1.groups().get(0).resources().get(0);
        assertEquals("IPaddr2::198.51.100.10/25/eth0", vip.text());
        assertTrue(t.haresources().contains("\nd1 IPaddr2::198.51.100.10/25/eth0 director\n"), t.haresources());

        DirectorConfig director = DirectorCfParser.load(dir.resolve("out/director.cf"));
        VirtualServiceSpec web = director.services().get(0);
        assertEquals("198.51.100.10:80 tcp wrr 50s", web.vip().getHostAddress() + ":" + web.port() + " "
                + web.protocol() + " " + web.scheduler() + " " + web.persistent().toSeconds() + "s");
        assertEquals(List.of("198.51.100.21:80 gate 3", "198.51.100.22:80 gate 1"), web.reals().stream()
                .map(r -> r.address().getHostAddress() + ":" + r.port() + " " + r.method() + " " + r.weight()).toList());
        assertEquals("198.51.100.30:80 gate", web.fallback().address().getHostAddress() + ":" + web.fallback().port()
                + " " + web.fallback().method());
        assertEquals(false, web.quiescent(), "keepalived removes a failed real server");
        assertEquals(new CheckSpec("negotiate", "http", "/health", null, null, null, Duration.ofSeconds(3),
                Duration.ofSeconds(3), Duration.ofSeconds(6), 4, Map.of()), web.check());
    }

    @Test
    void typicalPairShouldListWhatItCannotTranslateWithFileAndLine() throws Exception {
        KeepalivedTranslation t = translate(resource("keepalived.conf"));

        assertEquals(List.of(
                "keepalived.conf:3: notification_email: global_defs setting with no Tandem equivalent",
                "keepalived.conf:6: router_id LVS_D1: global_defs setting with no Tandem equivalent",
                "keepalived.conf:9: vrrp_script chk_haproxy: tracking scripts are not translated; for reachability use"
                        + " ha.cf ping/ping_group, for a local service a resource script in haresources",
                "keepalived.conf:31: track_script: tracking is not translated; ha.cf ping/ping_group covers reachability",
                "keepalived.conf:53: delay_before_retry 3: no retry delay in director.cf: a failed check is retried at"
                        + " the next checkinterval",
                "keepalived.conf:61: digest 9b3a0c85a887a256d6939da88aabd8cd: digest (an MD5 of the page) is not"
                        + " checked; the http check passes on a 2xx status, and on the body matching receive= when one"
                        + " is set",
                "keepalived.conf:65: delay_before_retry 3: no retry delay in director.cf: a failed check is retried at"
                        + " the next checkinterval"), t.untranslated());
        assertTrue(t.notes().contains("keepalived.conf:14: vrrp_instance VI_1: state MASTER priority 150 -> preferred"
                + " node d1"), String.join("\n", t.notes()));
    }

    @Test
    void backupInstanceShouldMakeThePeerPreferredAndNopreemptTurnAutoFailbackOff() throws Exception {
        KeepalivedTranslation t = translate(conf(TWO_NODE.formatted("BACKUP", "100", "0.5",
                "nopreempt\n unicast_src_ip 198.51.100.2\n unicast_peer {\n 198.51.100.1\n }")));

        ClusterConfig c = install(t, dir.resolve("out"), "d1", "198.51.100.2");
        assertEquals("d2", c.groups().get(0).preferredNode());
        assertEquals(false, c.ha().autoFailback());
        assertEquals(Duration.ofMillis(500), c.ha().keepalive());
        assertEquals(Duration.ofMillis(1500), c.ha().deadtime());
        assertEquals(Map.of(), t.directorFiles(), "no virtual_server, no director");
    }

    @Test
    void multicastVrrpShouldBecomeBroadcastHeartbeatsOnTheInstanceInterface() throws Exception {
        KeepalivedTranslation t = translate(conf(TWO_NODE.formatted("MASTER", "150", "1", "preempt_delay 30")));

        assertTrue(t.haCf().contains("\nbcast eth0"), t.haCf());
        ClusterConfig c = install(t, dir.resolve("out"), "d1", "198.51.100.1");
        assertEquals(Duration.ofSeconds(30), c.ha().policy().autoFailbackDelay());
        assertEquals(1, c.ha().bcast().size());
    }

    @Test
    void syncGroupShouldMoveItsInstancesAsOneGroupAndEachVirtualServerGoWithItsVip() throws Exception {
        KeepalivedTranslation t = translate(conf("""
                vrrp_sync_group G1 {
                    group { VI_OUT VI_IN }
                }
                vrrp_instance VI_OUT {
                    state MASTER
                    interface eth0
                    virtual_ipaddress { 198.51.100.10/24 }
                    unicast_peer { 198.51.100.2 }
                    unicast_src_ip 198.51.100.1
                }
                vrrp_instance VI_IN {
                    state MASTER
                    interface eth1
                    virtual_ipaddress { 203.0.113.1/24 }
                }
                vrrp_instance VI_OTHER {
                    state BACKUP
                    interface eth0
                    virtual_ipaddress { 198.51.100.11/24 }
                }
                virtual_server 198.51.100.10 443 {
                    lb_algo lblc
                    lb_kind NAT
                    real_server 203.0.113.21 443 { TCP_CHECK { connect_port 443 } }
                }
                virtual_server 198.51.100.11 25 {
                    lb_algo sh
                    lb_kind TUN
                    real_server 192.0.2.25 25 { SMTP_CHECK { helo_name tandem } MISC_CHECK { misc_path /bin/true } }
                }
                """));

        ClusterConfig c = install(t, dir.resolve("out"), "d1", "198.51.100.1");
        assertEquals(2, c.groups().size());
        assertTrue(t.haresources().contains("\nd1 IPaddr2::198.51.100.10/24/eth0 IPaddr2::203.0.113.1/24/eth1 director\n"),
                t.haresources());
        assertTrue(t.haresources().contains("\nd2 IPaddr2::198.51.100.11/24/eth0 ldirectord::director-VI_OTHER.cf\n"),
                t.haresources());
        VirtualServiceSpec https = DirectorCfParser.load(dir.resolve("out/director.cf")).services().get(0);
        assertEquals("wrr masq connect 443", https.scheduler() + " " + https.reals().get(0).method() + " "
                + https.check().checktype() + " " + https.check().checkport());
        VirtualServiceSpec smtp = DirectorCfParser.load(dir.resolve("out/director-VI_OTHER.cf")).services().get(0);
        assertEquals("sh ipip negotiate smtp", smtp.scheduler() + " " + smtp.reals().get(0).method() + " "
                + smtp.check().checktype() + " " + smtp.check().service());
        assertTrue(t.untranslated().contains("keepalived.conf:22: lb_algo lblc: scheduler lblc is not available in"
                + " Tandem; director.cf keeps its default (wrr)"), String.join("\n", t.untranslated()));
        assertTrue(t.untranslated().stream().anyMatch(u -> u.startsWith("keepalived.conf:29: helo_name tandem:")),
                String.join("\n", t.untranslated()));
        assertTrue(t.untranslated().stream().anyMatch(u -> u.startsWith("keepalived.conf:29: MISC_CHECK:")),
                String.join("\n", t.untranslated()));
    }

    @Test
    void instanceWithoutVirtualAddressShouldBeAnErrorNamingItsLine() throws Exception {
        Path file = conf("\nvrrp_instance VI_1 {\n  interface eth0\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> translate(file));
        assertEquals(file + ":2: vrrp_instance VI_1 has no virtual_ipaddress", e.getMessage());
    }

    @Test
    void badPriorityShouldBeAnErrorNamingItsLine() throws Exception {
        Path file = conf(TWO_NODE.formatted("MASTER", "300", "1", ""));
        ConfigException e = assertThrows(ConfigException.class, () -> translate(file));
        assertEquals(file + ":5: priority=300 must be a whole number 1..255", e.getMessage());
    }

    @Test
    void fileWithoutVrrpInstanceShouldBeRefused() throws Exception {
        Path file = conf("global_defs {\n router_id x\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> translate(file));
        assertEquals(file + ": no vrrp_instance: there is no VIP to fail over, so nothing to import", e.getMessage());
    }

    @Test
    void generatedAuthkeysShouldHoldA256BitSha256Key() {
        String text = KeepalivedTranslation.authkeysWithFreshKey(new SecureRandom());
        assertTrue(text.matches("(?s).*\nauth 1\n1 sha256 [0-9a-f]{64}\n"), text);
        assertTrue(!text.equals(KeepalivedTranslation.authkeysWithFreshKey(new SecureRandom())), "fresh each time");
    }
}
