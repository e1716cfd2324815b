package io.tandem.vip;

import io.tandem.linux.Errno;
import io.tandem.linux.InetAddressText;
import io.tandem.linux.InterfaceAddressEntry;
import io.tandem.linux.LinuxException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An in-memory address table that answers like the kernel does (EEXIST, EADDRNOTAVAIL, ENODEV). */
final class FakeAddressKernel implements AddressKernel {
    private final Map<String, Integer> links = new LinkedHashMap<>();
    private final List<InterfaceAddressEntry> entries = new ArrayList<>();
    LinuxException nextFailure;

    FakeAddressKernel link(String ifName, int ifIndex) {
        links.put(ifName, ifIndex);
        return this;
    }

    FakeAddressKernel address(String ifName, String address, int prefixLength) throws Exception {
        entries.add(new InterfaceAddressEntry(links.get(ifName), ifName, InetAddress.getByName(address), prefixLength));
        return this;
    }

    /** What {@code ip addr} would print for {@code ifName}: "addr/prefix" each. */
    List<String> addresses(String ifName) {
        List<String> result = new ArrayList<>();
        for (InterfaceAddressEntry entry : entries) {
            if (entry.ifName().equals(ifName)) {
                result.add(InetAddressText.of(entry.address()) + "/" + entry.prefixLength());
            }
        }
        return result;
    }

    private int index(String ifName) throws LinuxException {
        Integer index = links.get(ifName);
        if (index == null) {
            throw new LinuxException("RTM_GETLINK dev " + ifName, Errno.ENODEV);
        }
        return index;
    }

    private void failIfAsked() throws LinuxException {
        LinuxException failure = nextFailure;
        if (failure != null) {
            nextFailure = null;
            throw failure;
        }
    }

    @Override
    public void addAddress(String ifName, InetAddress address, int prefixLength) throws LinuxException {
        failIfAsked();
        int index = index(ifName);
        for (InterfaceAddressEntry entry : entries) {
            // IPv4: same address and prefix on the device; IPv6: same address on the device.
            if (entry.ifName().equals(ifName) && entry.address().equals(address)
                    && (entry.prefixLength() == prefixLength || !(address instanceof Inet4Address))) {
                throw new LinuxException("RTM_NEWADDR " + InetAddressText.of(address) + "/" + prefixLength
                        + " dev " + ifName, Errno.EEXIST);
            }
        }
        entries.add(new InterfaceAddressEntry(index, ifName, address, prefixLength));
    }

    @Override
    public void deleteAddress(String ifName, InetAddress address, int prefixLength) throws LinuxException {
        failIfAsked();
        index(ifName);
        boolean removed = entries.removeIf(entry -> entry.ifName().equals(ifName) && entry.address().equals(address)
                && entry.prefixLength() == prefixLength);
        if (!removed) {
            throw new LinuxException("RTM_DELADDR " + InetAddressText.of(address) + "/" + prefixLength
                    + " dev " + ifName, Errno.EADDRNOTAVAIL);
        }
    }

    @Override
    public List<InterfaceAddressEntry> dumpAddresses() throws LinuxException {
        failIfAsked();
        return new ArrayList<>(entries);
    }
}
