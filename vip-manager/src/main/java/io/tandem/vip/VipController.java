package io.tandem.vip;

import io.tandem.arp.GratuitousArpAnnouncer;
import io.tandem.config.VipSpec;
import io.tandem.linux.InetAddressText;
import io.tandem.linux.InterfaceAddressEntry;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes VIPs over and gives them up: {@link #acquire} adds the address to the kernel and then
 * announces it ({@code garpCount} gratuitous ARPs or unsolicited neighbor advertisements,
 * {@code garpInterval} apart); {@link #release} stops the announcements and removes the address.
 * Both are idempotent and log one INFO line, e.g.
 * {@code vip 198.51.100.10/24 added on eth0, announcing 5 x gratuitous ARP 200ms apart}.
 *
 * <p>Called from the failover thread; the announcer's repeats run on its scheduler. The first
 * announcement on an interface opens its packet socket on the calling thread.
 */
public final class VipController {
    private static final Logger LOG = LoggerFactory.getLogger(VipController.class);

    private final AddressTable table;
    private final GratuitousArpAnnouncer announcer;
    private final int garpCount;
    private final Duration garpInterval;

    /**
     * @param garpCount frames per announcement, at least 1 (ha.cf/keepalived {@code garp_count})
     * @param garpInterval time between them, not negative
     */
    public VipController(AddressTable table, GratuitousArpAnnouncer announcer, int garpCount, Duration garpInterval) {
        if (garpCount < 1) {
            throw new IllegalArgumentException("garpCount=" + garpCount + " must be >= 1");
        }
        if (garpInterval.isNegative()) {
            throw new IllegalArgumentException("garpInterval=" + garpInterval + " must not be negative");
        }
        this.table = Objects.requireNonNull(table, "table");
        this.announcer = Objects.requireNonNull(announcer, "announcer");
        this.garpCount = garpCount;
        this.garpInterval = garpInterval;
    }

    /**
     * Adds {@code vip} to the kernel, if it is not there yet, and announces it either way.
     *
     * @return true if the address was added, false if the kernel already held it
     * @throws VipPlacementException if no device can be chosen; nothing is announced then
     * @throws io.tandem.linux.LinuxException if the kernel refuses the address
     */
    public boolean acquire(VipSpec vip) throws IOException {
        AddressTable.Placement placement = table.place(vip);
        boolean added = table.add(vip, placement);
        announcer.announce(placement.ifName(), vip.address(), garpCount, garpInterval);
        LOG.info("vip {}/{} {} {}, announcing {} x {} {}ms apart", InetAddressText.of(vip.address()),
                placement.prefixLength(), added ? "added on" : "already on", placement.ifName(), garpCount,
                vip.address() instanceof Inet4Address ? "gratuitous ARP" : "unsolicited neighbor advertisement",
                garpInterval.toMillis());
        return added;
    }

    /**
     * The periodic refresh while a VIP is held: puts the address back if something removed it (and
     * says so), and sends one announcement unless a burst is still running.
     */
    public void refresh(VipSpec vip) throws IOException {
        AddressTable.Placement placement = table.place(vip);
        if (table.add(vip, placement)) {
            LOG.warn("vip {} had disappeared from {} while held (removed by hand?); added it back", describe(vip),
                    placement.ifName());
        }
        if (!announcer.isAnnouncing(vip.address())) {
            announcer.announce(placement.ifName(), vip.address(), 1, garpInterval);
        }
    }

    /**
     * Stops announcing {@code vip} and removes it from the kernel, if it is there.
     *
     * @return true if the address was removed, false if the kernel did not hold it
     */
    public boolean release(VipSpec vip) throws IOException {
        announcer.cancel(vip.address());
        List<InterfaceAddressEntry> removed = table.removeHeld(vip);
        if (removed.isEmpty()) {
            LOG.info("vip {} released: it was not on any interface", describe(vip));
            return false;
        }
        LOG.info("vip {} removed from {}", describe(vip),
                removed.stream().map(InterfaceAddressEntry::ifName).distinct().collect(Collectors.joining(", ")));
        return true;
    }

    private static String describe(VipSpec vip) {
        String address = InetAddressText.of(vip.address());
        return vip.prefixLength() > 0 ? address + "/" + vip.prefixLength() : address;
    }
}
