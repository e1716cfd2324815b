package io.tandem.linux;

import java.net.InetAddress;

/**
 * One address in the kernel's address table, as {@code ip addr show} lists it.
 *
 * @param ifIndex kernel index of the interface
 * @param ifName name of the interface
 * @param address the local address (IFA_LOCAL, or IFA_ADDRESS where there is no IFA_LOCAL)
 * @param prefixLength subnet prefix length
 */
public record InterfaceAddressEntry(int ifIndex, String ifName, InetAddress address, int prefixLength) {

    /** Whether {@code other} is in this entry's subnet (same family, same first prefixLength bits). */
    public boolean subnetContains(InetAddress other) {
        byte[] mine = address.getAddress();
        byte[] theirs = other.getAddress();
        if (mine.length != theirs.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (mine[i] != theirs[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = (0xFF << (8 - remainingBits)) & 0xFF;
        return (mine[fullBytes] & mask) == (theirs[fullBytes] & mask);
    }

    /** {@code 198.51.100.10/24 dev eth0}. */
    @Override
    public String toString() {
        return InetAddressText.of(address) + "/" + prefixLength + " dev " + ifName;
    }
}
