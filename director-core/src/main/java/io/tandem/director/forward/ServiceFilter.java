package io.tandem.director.forward;

import io.tandem.director.ForwardingMethod;
import io.tandem.director.IpAddresses;
import io.tandem.director.RealServerState;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.linux.BpfProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * The classic BPF filter the forwarder attaches to its rings, so that only the frames it may
 * forward are copied to user space: IPv4 TCP/UDP to a virtual service (address, protocol, port;
 * any port for an all-ports service), IPv4 replies from a NAT real server (by source), and every
 * IPv6 frame (which the filter does not look into). ARP, the director's own traffic and
 * everything else stay in the kernel only.
 */
final class ServiceFilter {
    private ServiceFilter() {
    }

    /** The filter for {@code services}, or null when there are too many flows for one program. */
    static BpfProgram of(ServiceTable services) {
        List<BpfProgram.Match> matches = new ArrayList<>();
        for (int i = 0; i < services.serviceCount(); i++) {
            VirtualService v = services.service(i).spec();
            long low = IpAddresses.low(v.address());
            if (IpAddresses.isIPv4(IpAddresses.high(v.address()), low)) {
                matches.add(new BpfProgram.Match(v.protocol().number(), (int) low, v.port(), false));
            }
        }
        for (int id = 0; id < services.serverCount(); id++) {
            RealServerState r = services.server(id);
            if (r.forwarding() == ForwardingMethod.NAT && IpAddresses.isIPv4(r.addressHigh(), r.addressLow())) {
                int protocol = services.service(r.serviceIndex()).spec().protocol().number();
                matches.add(new BpfProgram.Match(protocol, (int) r.addressLow(), r.port(), true));
            }
        }
        return matches.size() > BpfProgram.MAX_MATCHES ? null : BpfProgram.ipv4Flows(matches);
    }
}
