package io.tandem.health;

import io.netty.bootstrap.Bootstrap;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;

/** The negotiate probe of each {@link Service} other than HTTP/HTTPS. */
final class NegotiateProbes {
    private final Map<Service, Probe> probes = new EnumMap<>(Service.class);

    NegotiateProbes(Executor blocking, Bootstrap udp) {
        probes.put(Service.NONE, (server, timeoutNanos, done) -> {
            done.complete(true, "service=none: nothing to negotiate");
            return Probe.Cancellable.NONE;
        });
        probes.put(Service.SIMPLETCP, new SimpleTcpProbe(blocking));
    }

    Probe forService(Service service) {
        Probe p = probes.get(service);
        if (p == null) {
            throw new IllegalStateException("no negotiate check for service=" + service.configName());
        }
        return p;
    }
}
