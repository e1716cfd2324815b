package io.tandem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tandemctl check-config} and {@code tandemctl import-keepalived} on real files. */
class MigrationCommandsTest {
    private static final String KEEPALIVED_CONF = """
            ! director d1
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 1
                unicast_src_ip 198.51.100.1
                unicast_peer {
                    198.51.100.2
                }
                authentication {
                    auth_type PASS
                    auth_pass 1111
                }
                virtual_ipaddress {
                    198.51.100.10/25 dev eth0
                }
                notify_master /etc/keepalived/master.sh
            }
            virtual_server 198.51.100.10 80 {
                delay_loop 2
                lb_algo rr
                lb_kind DR
                real_server 198.51.100.21 80 {
                    TCP_CHECK {
                        connect_timeout 2
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run tandemctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Tandemctl());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path validDir() throws IOException {
        Path etc = dir.resolve("etc");
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("ha.cf"), "node d1 d2\nucast eth0 198.51.100.1\nucast eth0 198.51.100.2\nuse_logd yes\n");
        Files.writeString(etc.resolve("haresources"), "d1 IPaddr2::198.51.100.10/25/eth0 director\n");
        Files.writeString(etc.resolve("director.cf"), "virtual=198.51.100.10:80\n\treal=198.51.100.21:80 gate\n");
        Path keys = etc.resolve("authkeys");
        Files.writeString(keys, "auth 1\n1 sha256 secret\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        return etc;
    }

    @Test
    void checkConfigShouldPassAValidDirectoryForBothNodesAndShowWarnings() throws Exception {
        Path etc = validDir();
        Run r = tandemctl("check-config", etc.toString(), "--node", "d1", "--node", "d2");

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("warning: ha.cf:4: directive 'use_logd' is not used by Tandem yet; ignored"), r.out());
        assertTrue(r.out().contains(etc + " is valid for node d1 and d2"), r.out());
    }

    @Test
    void checkConfigShouldFailWithFileAndLineOfABadHaCf() throws Exception {
        Path etc = validDir();
        Files.writeString(etc.resolve("ha.cf"), "node d1 d2\nucast eth0 198.51.100.2\nkeepalive 1s\ndeadtime 1s\n");
        Run r = tandemctl("check-config", etc.toString(), "--node", "d1");

        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith(etc.resolve("ha.cf") + ":4: deadtime=1s must be > 2 x keepalive=1s\n"), r.err());
    }

    @Test
    void checkConfigShouldFailWithFileAndLineOfTheDirectorCfThatHaresourcesNames() throws Exception {
        Path etc = validDir();
        Files.writeString(etc.resolve("director.cf"), "virtual=198.51.100.10:80\n\treal=198.51.100.21:80 gate\n\tscheduler=fast\n");
        Run r = tandemctl("check-config", etc.toString(), "--node", "d1");

        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith(etc.resolve("director.cf") + ":3: scheduler=fast is not one of"), r.err());
    }

    @Test
    void checkConfigShouldRefuseAnAuthkeysOthersCanRead() throws Exception {
        Path etc = validDir();
        Files.setPosixFilePermissions(etc.resolve("authkeys"), PosixFilePermissions.fromString("rw-r--r--"));
        Run r = tandemctl("check-config", etc.toString(), "--node", "d1");

        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains(etc.resolve("authkeys") + ": mode 0644 is too open"), r.err());
    }

    @Test
    void importKeepalivedShouldWriteFilesThatCheckConfigAcceptsAndAnAuthkeysOfMode0600() throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, KEEPALIVED_CONF);
        Path out = dir.resolve("out");
        Run r = tandemctl("import-keepalived", conf.toString(), "--node", "d1", "--peer", "d2", "--out", out.toString());

        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("authkeys"))));
        assertTrue(r.out().contains("untranslated: keepalived.conf:19: notify_master /etc/keepalived/master.sh: notify"
                + " scripts are not translated"), r.out());
        assertTrue(Files.readString(out.resolve("haresources")).contains("d1 IPaddr2::198.51.100.10/25/eth0 director"));
        Run check = tandemctl("check-config", out.toString(), "--node", "d1", "--node", "d2");
        assertEquals(0, check.exitCode(), check.err());
    }

    @Test
    void importKeepalivedShouldKeepAnExistingAuthkeysAndRefuseToOverwriteWithoutForce() throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, KEEPALIVED_CONF);
        Path out = dir.resolve("out");
        assertEquals(0, tandemctl("import-keepalived", conf.toString(), "--node", "d1", "--peer", "d2", "--out",
                out.toString()).exitCode());
        String key = Files.readString(out.resolve("authkeys"));

        Run again = tandemctl("import-keepalived", conf.toString(), "--node", "d1", "--peer", "d2", "--out", out.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("already exist(s); use --force"), again.err());
        Run forced = tandemctl("import-keepalived", conf.toString(), "--node", "d1", "--peer", "d2", "--out",
                out.toString(), "--force");
        assertEquals(0, forced.exitCode(), forced.err());
        assertEquals(key, Files.readString(out.resolve("authkeys")), "the key of a running pair is never replaced");
    }

    @Test
    void importKeepalivedWithoutOutShouldPrintTheFiles() throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, KEEPALIVED_CONF);
        Run r = tandemctl("import-keepalived", conf.toString(), "--node", "d1", "--peer", "d2");

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("==> director.cf <==\n"), r.out());
        assertTrue(r.out().contains("\tchecktype=connect\n"), r.out());
    }

    @Test
    void importKeepalivedShouldReportAParseErrorWithFileAndLine() throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, "vrrp_instance VI_1 {\n");
        Run r = tandemctl("import-keepalived", conf.toString(), "--node", "d1", "--peer", "d2");

        assertEquals(1, r.exitCode());
        assertEquals(conf + ":1: block 'vrrp_instance VI_1' is never closed: a '}' is missing\n", r.err());
    }
}
