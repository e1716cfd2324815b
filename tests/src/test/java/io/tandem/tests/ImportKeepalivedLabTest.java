package io.tandem.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.lab.DirectorLab;
import io.tandem.lab.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Migration from keepalived end to end: a typical keepalived.conf of the lab's pair (VRRP
 * instance with unicast peers and PASS authentication, an LVS-DR virtual_server with two real
 * servers and HTTP_GET checks) goes through the real {@code bin/tandemctl import-keepalived}; the
 * files it writes, installed unchanged on both directors, run the pair: the client fetches through
 * the VIP from d1, and again after d2 takes over. Health checks are not asserted here (the daemon
 * may count an HTTP check it does not run yet as up); forwarding and failover are.
 */
@Timeout(120)
class ImportKeepalivedLabTest extends LabTestBase {
    /** keepalived.conf as director d1 of this lab would have it. */
    private static final String KEEPALIVED_CONF = """
            ! Configuration File for keepalived (director d1)
            global_defs {
               router_id LVS_D1
            }

            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 1
                unicast_src_ip %1$s
                unicast_peer {
                    %2$s
                }
                authentication {
                    auth_type PASS
                    auth_pass lab-pass
                }
                virtual_ipaddress {
                    %3$s/%4$d dev eth0
                }
            }

            virtual_server %3$s 80 {
                delay_loop 6
                lb_algo rr
                lb_kind DR
                persistence_timeout 50
                protocol TCP

                real_server 198.51.100.21 80 {
                    weight 1
                    HTTP_GET {
                        url {
                          path /
                          status_code 200
                        }
                        connect_timeout 3
                        nb_get_retry 3
                        delay_before_retry 3
                    }
                }
                real_server 198.51.100.22 80 {
                    weight 1
                    HTTP_GET {
                        url {
                          path /
                          status_code 200
                        }
                        connect_timeout 3
                        nb_get_retry 3
                        delay_before_retry 3
                    }
                }
            }
            """.formatted(DirectorLab.address("d1"), DirectorLab.address("d2"), DirectorLab.VIP, DirectorLab.LAN_PREFIX);
    private static final List<String> FILES = List.of("ha.cf", "haresources", "director.cf", "authkeys");

    @Test
    void importedKeepalivedConfShouldRunThePairThroughATakeover() throws IOException {
        lab.addRealServer("r1", "198.51.100.21");
        lab.addRealServer("r2", "198.51.100.22");
        Path conf = lab.work().resolve("keepalived.conf");
        Files.writeString(conf, KEEPALIVED_CONF);
        Path imported = lab.work().resolve("imported");

        Exec.Result r = lab.tandemctl("d1", "import-keepalived", conf.toString(), "--node", "d1", "--peer", "d2",
                "--out", imported.toString());
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("untranslated: keepalived.conf:3: router_id LVS_D1:"), r.stdout());
        for (String d : List.of("d1", "d2")) {
            for (String name : FILES) {
                Files.copy(imported.resolve(name), lab.configDir(d).resolve(name), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Exec.Result check = lab.tandemctl("d1", "check-config", lab.configDir("d1").toString(), "--node", "d1",
                "--node", "d2");
        assertEquals(0, check.exitCode(), check.stdout() + check.stderr());

        startPair();
        Set<String> reals = Set.of("r1", "r2");
        await().atMost(WAIT).until(() -> reals.contains(lab.fetchFromClient()));
        String viaD1 = lab.fetchFromClient();
        assertTrue(reals.contains(viaD1), "through d1: " + viaD1);

        Exec.Result takeover = lab.tandemctl("d2", "takeover");
        assertEquals(0, takeover.exitCode(), takeover.stdout() + takeover.stderr());
        await().atMost(WAIT).until(() -> lab.kernelHasVip("d2") && !lab.kernelHasVip("d1"));
        await().atMost(WAIT).until(() -> reals.contains(lab.fetchFromClient()));
        assertEquals("active", state("d2"));
        assertEquals(lab.mac("d2"), lab.clientNeighbourMac(), "the client reaches the VIP through d2 now");
    }
}
