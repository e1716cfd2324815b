package io.tandem.vip;

import io.tandem.config.VipSpec;
import io.tandem.linux.InetAddressText;
import io.tandem.linux.InterfaceAddressEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up clean-up: a node owns no VIP when it starts, so any configured VIP the kernel still
 * holds was left by a previous run that died without releasing it, and must go before the node
 * can join (otherwise two directors answer for it).
 */
public final class VipReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(VipReconciler.class);

    private final AddressTable table;

    /** A reconciler over {@code table}. */
    public VipReconciler(AddressTable table) {
        this.table = Objects.requireNonNull(table, "table");
    }

    /**
     * Removes every VIP of {@code configuredVips} the kernel holds, logging each at WARN:
     * {@code stale vip 198.51.100.10/24 on eth0 removed at start-up: a previous run did not release it}.
     * Tries every VIP even if one fails, then throws the first failure (the others suppressed).
     *
     * @return the VIPs that were removed, in configuration order
     */
    public List<VipSpec> removeStale(List<VipSpec> configuredVips) throws IOException {
        List<VipSpec> removed = new ArrayList<>();
        IOException failure = null;
        for (VipSpec vip : configuredVips) {
            try {
                List<InterfaceAddressEntry> entries = table.removeHeld(vip);
                for (InterfaceAddressEntry entry : entries) {
                    LOG.warn("stale vip {}/{} on {} removed at start-up: a previous run did not release it",
                            InetAddressText.of(entry.address()), entry.prefixLength(), entry.ifName());
                }
                if (!entries.isEmpty()) {
                    removed.add(vip);
                }
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return removed;
    }
}
