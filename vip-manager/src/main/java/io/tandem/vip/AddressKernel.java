package io.tandem.vip;

import io.tandem.linux.InterfaceAddressEntry;
import io.tandem.linux.LinuxException;
import io.tandem.linux.RtNetlink;
import java.net.InetAddress;
import java.util.List;

/**
 * The three address-table operations {@link AddressTable} needs from the kernel: {@link RtNetlink}
 * in production, an in-memory table in tests that run without root.
 */
interface AddressKernel {
    /** Adds the address; {@link io.tandem.linux.Errno#EEXIST} if it is already there. */
    void addAddress(String ifName, InetAddress address, int prefixLength) throws LinuxException;

    /** Deletes the address; {@link io.tandem.linux.Errno#EADDRNOTAVAIL} if it is not there. */
    void deleteAddress(String ifName, InetAddress address, int prefixLength) throws LinuxException;

    /** Every address on every interface. */
    List<InterfaceAddressEntry> dumpAddresses() throws LinuxException;

    /** Adapts an rtnetlink socket. */
    static AddressKernel of(RtNetlink rtnl) {
        return new AddressKernel() {
            @Override
            public void addAddress(String ifName, InetAddress address, int prefixLength) throws LinuxException {
                rtnl.addAddress(ifName, address, prefixLength);
            }

            @Override
            public void deleteAddress(String ifName, InetAddress address, int prefixLength) throws LinuxException {
                rtnl.deleteAddress(ifName, address, prefixLength);
            }

            @Override
            public List<InterfaceAddressEntry> dumpAddresses() throws LinuxException {
                return rtnl.dumpAddresses();
            }
        };
    }
}
