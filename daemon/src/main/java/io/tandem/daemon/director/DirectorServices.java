package io.tandem.daemon.director;

import io.tandem.config.ConfigException;
import io.tandem.config.director.DirectorConfig;
import io.tandem.config.director.RealServerSpec;
import io.tandem.config.director.VirtualServiceSpec;
import io.tandem.director.ForwardingMethod;
import io.tandem.director.Persistence;
import io.tandem.director.Protocol;
import io.tandem.director.RealServer;
import io.tandem.director.VirtualService;
import io.tandem.director.sched.SchedulerName;
import io.tandem.director.sched.SchedulerSpec;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns director.cf's virtual services into the forwarding engine's model. */
final class DirectorServices {
    private DirectorServices() {
    }

    static List<VirtualService> of(DirectorConfig config) throws ConfigException {
        List<VirtualService> out = new ArrayList<>();
        for (VirtualServiceSpec v : config.services()) {
            if (v.fwmark() != 0) {
                throw new ConfigException(config.file(), v.line(), "virtual=" + v.fwmark()
                        + ": fwmark services are not supported by the forwarding engine yet");
            }
            Protocol protocol = v.protocol().equals("udp") ? Protocol.UDP : Protocol.TCP;
            List<RealServer> reals = new ArrayList<>();
            for (RealServerSpec r : v.reals()) {
                reals.add(new RealServer(r.address(), r.port(), r.weight(), method(r.method())));
            }
            SchedulerName scheduler;
            try {
                scheduler = SchedulerName.valueOf(v.scheduler().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(config.file(), v.line(), "scheduler=" + v.scheduler() + " is not supported");
            }
            RealServer fallback = v.fallback() == null ? null
                    : new RealServer(v.fallback().address(), v.fallback().port(), 1, method(v.fallback().method()));
            Persistence persistence = v.persistent().isZero() ? Persistence.NONE
                    : new Persistence(v.persistent(), v.netmaskPrefix() <= 0 ? Persistence.HOST : v.netmaskPrefix());
            boolean quiescent = v.quiescent() == null || v.quiescent();
            try {
                out.add(new VirtualService(protocol, v.vip(), v.port(), SchedulerSpec.of(scheduler), persistence,
                        ForwardingMethod.DIRECT_ROUTING, reals, fallback, quiescent));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(config.file(), v.line(), e.getMessage());
            }
        }
        return out;
    }

    private static ForwardingMethod method(String m) {
        return switch (m) {
            case "masq" -> ForwardingMethod.NAT;
            case "ipip" -> ForwardingMethod.TUNNEL;
            default -> ForwardingMethod.DIRECT_ROUTING;
        };
    }

    /**
     * For NAT real servers on another network than the client side: the interface whose subnet
     * holds them (two-arm NAT); null when every real server is reachable on the client interface.
     */
    static String serverInterface(List<VirtualService> services, String clientInterface) throws SocketException {
        for (VirtualService s : services) {
            for (RealServer r : s.realServers()) {
                if (s.forwarding() != ForwardingMethod.NAT && r.forwarding() != ForwardingMethod.NAT) {
                    continue;
                }
                String dev = io.tandem.daemon.LocalAddresses.interfaceFacing(r.address());
                if (dev != null && !dev.equals(clientInterface)) {
                    return dev;
                }
            }
        }
        return null;
    }

}
