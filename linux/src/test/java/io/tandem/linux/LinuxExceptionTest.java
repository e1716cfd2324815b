package io.tandem.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LinuxExceptionTest {
    @Test
    void shouldNameOperationReasonAndErrno() {
        LinuxException e = new LinuxException("sendto(AF_PACKET, ifindex=3)", Errno.ENETDOWN);
        assertEquals("sendto(AF_PACKET, ifindex=3): Network is down (errno 100)", e.getMessage());
        assertEquals(Errno.ENETDOWN, e.errno());
        assertEquals("sendto(AF_PACKET, ifindex=3)", e.operation());
    }

    @Test
    void shouldAppendTheKernelsExtendedAckText() {
        LinuxException e = new LinuxException("RTM_NEWADDR 198.51.100.10/24 dev eth0", Errno.EEXIST, "Address exists");
        assertEquals("RTM_NEWADDR 198.51.100.10/24 dev eth0: File exists (errno 17) - kernel says: Address exists",
                e.getMessage());
    }

    @Test
    void shouldMatchTheErrnoTableOfTheRunningLibc() {
        assertEquals("File exists (errno 17)", LinuxException.describe(Errno.EEXIST));
        assertEquals("No such device (errno 19)", LinuxException.describe(Errno.ENODEV));
        assertEquals("Cannot assign requested address (errno 99)", LinuxException.describe(Errno.EADDRNOTAVAIL));
    }
}
