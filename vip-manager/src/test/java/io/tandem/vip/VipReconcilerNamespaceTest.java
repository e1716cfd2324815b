package io.tandem.vip;

import static io.tandem.vip.AddressTableTest.vip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tandem.config.VipSpec;
import io.tandem.linux.NetnsLab;
import io.tandem.linux.RtNetlink;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Start-up clean-up against the real kernel: VIPs a crashed run left on d0 are removed, nothing else. */
class VipReconcilerNamespaceTest {
    private NetnsLab lab;
    private String ns;
    private RtNetlink rtnl;

    @BeforeEach
    void createNamespace() throws Exception {
        assumeTrue(NetnsLab.isAvailable(), "needs root and ip(8)");
        lab = new NetnsLab();
        ns = lab.createNamespace();
        lab.addLink(ns, "d0");
        NetnsLab.ipIn(ns, "addr", "add", "198.51.100.2/25", "dev", "d0");
        rtnl = lab.callIn(ns, RtNetlink::open);
    }

    @AfterEach
    void deleteNamespace() {
        if (rtnl != null) {
            rtnl.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldRemoveTheVipsAPreviousRunLeftAndNothingElse() throws Exception {
        // What a tandemd killed with -9 leaves behind.
        NetnsLab.ipIn(ns, "addr", "add", "198.51.100.10/25", "dev", "d0");
        NetnsLab.ipIn(ns, "addr", "add", "2001:db8::10/64", "dev", "d0", "nodad");
        VipSpec v4 = vip("198.51.100.10", 25, null);
        VipSpec notThere = vip("198.51.100.11", 25, null);
        VipSpec v6 = vip("2001:db8::10", 64, "d0");

        List<VipSpec> removed = new VipReconciler(new AddressTable(rtnl)).removeStale(List.of(v4, notThere, v6));

        assertEquals(List.of(v4, v6), removed);
        assertEquals(List.of("198.51.100.2/25"), NetnsLab.addresses(ns, "d0"));
    }
}
