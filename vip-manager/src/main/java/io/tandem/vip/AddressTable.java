package io.tandem.vip;

import io.tandem.config.VipSpec;
import io.tandem.linux.Errno;
import io.tandem.linux.InetAddressText;
import io.tandem.linux.InterfaceAddressEntry;
import io.tandem.linux.LinuxException;
import io.tandem.linux.RtNetlink;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The kernel's addresses seen as VIPs: add, remove and check a {@link VipSpec}, choosing its
 * device the way Heartbeat's IPaddr2 does.
 *
 * <p><b>Where a VIP goes.</b> On {@code VipSpec.device()} if haresources names one. Otherwise on
 * the interface that already has an address (other than the VIP itself) whose subnet contains
 * the VIP; if several do, the longest prefix wins, then the lowest interface index. A VIP
 * written without a prefix length takes the prefix of that subnet.
 *
 * <p><b>Where a VIP is.</b> {@link #holds} and {@link #remove} look the VIP up in the kernel
 * instead: the same address with the same prefix length (any, if none was written), on the named
 * device or on any interface. So a VIP is found and removed even after the subnet that placed it
 * has gone, and an address of the node with another prefix length is never taken for a VIP.
 *
 * <p>Not thread-safe by itself; the failover thread owns it.
 */
public final class AddressTable {
    private final AddressKernel kernel;

    /** An address table over {@code rtnl}, which must be open in the namespace of the VIPs. */
    public AddressTable(RtNetlink rtnl) {
        this(AddressKernel.of(rtnl));
    }

    AddressTable(AddressKernel kernel) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    /** Device and prefix length a VIP is added with. */
    record Placement(String ifName, int prefixLength) {
    }

    /**
     * Adds {@code vip} to its device.
     *
     * @return true if it was added, false if it was already there
     * @throws VipPlacementException if no device can be chosen
     * @throws LinuxException if the kernel refuses (e.g. the named device does not exist)
     */
    public boolean add(VipSpec vip) throws IOException {
        return add(vip, place(vip));
    }

    /** Adds {@code vip} where {@link #place} put it; false if it was already there. */
    boolean add(VipSpec vip, Placement placement) throws LinuxException {
        try {
            kernel.addAddress(placement.ifName(), vip.address(), placement.prefixLength());
            return true;
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Removes {@code vip} from wherever the kernel holds it.
     *
     * @return true if it was removed, false if it was not there
     */
    public boolean remove(VipSpec vip) throws IOException {
        return !removeHeld(vip).isEmpty();
    }

    /** Removes every kernel entry that is {@code vip}; returns those it removed. */
    List<InterfaceAddressEntry> removeHeld(VipSpec vip) throws LinuxException {
        List<InterfaceAddressEntry> removed = new ArrayList<>();
        for (InterfaceAddressEntry entry : heldAt(vip)) {
            try {
                kernel.deleteAddress(entry.ifName(), entry.address(), entry.prefixLength());
                removed.add(entry);
            } catch (LinuxException e) {
                // Gone between the dump and the delete: someone else removed it, which is what we wanted.
                if (e.errno() != Errno.EADDRNOTAVAIL && e.errno() != Errno.ENODEV) {
                    throw e;
                }
            }
        }
        return removed;
    }

    /** Whether the kernel holds {@code vip}. */
    public boolean holds(VipSpec vip) throws IOException {
        return !heldAt(vip).isEmpty();
    }

    /** The kernel entries that are {@code vip}: usually none or one. */
    public List<InterfaceAddressEntry> heldAt(VipSpec vip) throws LinuxException {
        boolean prefixGiven = hasPrefix(vip);
        List<InterfaceAddressEntry> held = new ArrayList<>();
        for (InterfaceAddressEntry entry : kernel.dumpAddresses()) {
            if (entry.address().equals(vip.address())
                    && (!prefixGiven || entry.prefixLength() == vip.prefixLength())
                    && (vip.device() == null || vip.device().equals(entry.ifName()))) {
                held.add(entry);
            }
        }
        return held;
    }

    /**
     * The device {@code vip} is added to: the named one, or the one whose subnet contains it.
     *
     * @throws VipPlacementException if no device is named and no subnet contains the VIP
     */
    public String resolveDevice(VipSpec vip) throws IOException {
        return place(vip).ifName();
    }

    /** Where {@code vip} goes and with which prefix length. */
    Placement place(VipSpec vip) throws IOException {
        int maxPrefix = vip.address() instanceof Inet4Address ? 32 : 128;
        if (vip.prefixLength() > maxPrefix) {
            throw new VipPlacementException("vip " + text(vip.address()) + ": prefixLength=" + vip.prefixLength()
                    + " must be 1.." + maxPrefix);
        }
        boolean prefixGiven = hasPrefix(vip);
        if (vip.device() != null && prefixGiven) {
            return new Placement(vip.device(), vip.prefixLength());
        }
        Optional<InterfaceAddressEntry> subnet = kernel.dumpAddresses().stream()
                .filter(entry -> !entry.address().equals(vip.address()))
                .filter(entry -> vip.device() == null || vip.device().equals(entry.ifName()))
                .filter(entry -> entry.subnetContains(vip.address()))
                .min(Comparator.comparingInt(InterfaceAddressEntry::prefixLength).reversed()
                        .thenComparingInt(InterfaceAddressEntry::ifIndex));
        if (subnet.isPresent()) {
            InterfaceAddressEntry entry = subnet.get();
            return new Placement(entry.ifName(), prefixGiven ? vip.prefixLength() : entry.prefixLength());
        }
        String example = example(vip, vip.device() == null ? "eth0" : vip.device());
        if (vip.device() != null) {
            throw new VipPlacementException("vip " + text(vip.address()) + " has no prefix length and no address on "
                    + vip.device() + " has a subnet containing it; write it in haresources as " + example);
        }
        throw new VipPlacementException("no interface has a subnet containing " + text(vip.address())
                + "; name the device in haresources (" + example + ")");
    }

    private static boolean hasPrefix(VipSpec vip) {
        return vip.prefixLength() > 0;
    }

    private static String example(VipSpec vip, String device) {
        boolean v4 = vip.address() instanceof Inet4Address;
        int prefix = hasPrefix(vip) ? vip.prefixLength() : v4 ? 24 : 64;
        return (v4 ? "IPaddr2::" : "IPv6addr::") + text(vip.address()) + "/" + prefix + "/" + device;
    }

    private static String text(InetAddress address) {
        return InetAddressText.of(address);
    }
}
