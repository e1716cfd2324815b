package io.tandem.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.config.NamedResourceSpec;
import io.tandem.config.ResourceGroupSpec;
import io.tandem.config.ResourceSpec;
import io.tandem.config.VipSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a reload of haresources may apply live: VIPs added to groups, nothing else. */
class HaresourcesReloadTest {
    private static VipSpec vip(String address) throws Exception {
        return new VipSpec("IPaddr2", InetAddress.getByName(address), 25, "eth0", "IPaddr2::" + address + "/25/eth0");
    }

    private static ResourceGroupSpec group(int line, ResourceSpec... resources) {
        return new ResourceGroupSpec("198.51.100.10", "d1", List.of(resources), line);
    }

    private static final NamedResourceSpec DIRECTOR = new NamedResourceSpec("director", List.of(), "director");

    @Test
    void shouldAddAVipAtItsPlaceEvenWhenTheLineMoved() throws Exception {
        List<Daemon.VipAddition> out = new ArrayList<>();
        String refusal = Daemon.vipAdditions(List.of(group(3, vip("198.51.100.10"), DIRECTOR)),
                List.of(group(5, vip("198.51.100.10"), vip("198.51.100.11"), DIRECTOR)), out);
        assertNull(refusal);
        assertEquals(List.of(new Daemon.VipAddition("198.51.100.10", 1, vip("198.51.100.11"))), out);
    }

    @Test
    void shouldRefuseWhatNeedsARestart() throws Exception {
        List<Daemon.VipAddition> out = new ArrayList<>();
        assertTrue(Daemon.vipAdditions(List.of(group(1, vip("198.51.100.10"), DIRECTOR)),
                List.of(group(1, vip("198.51.100.10"))), out).contains("lost or reordered"));
        assertTrue(Daemon.vipAdditions(List.of(group(1, vip("198.51.100.10"))),
                List.of(group(1, vip("198.51.100.10"), DIRECTOR)), out).contains("beyond VIPs added"));
        assertTrue(Daemon.vipAdditions(List.of(group(1, vip("198.51.100.10"))), List.of(), out)
                .contains("added or removed"));
        assertTrue(Daemon.vipAdditions(List.of(group(1, vip("198.51.100.10"))),
                List.of(new ResourceGroupSpec("198.51.100.10", "d2", List.of(vip("198.51.100.10")), 1)), out)
                .contains("preferred node"));
    }
}
