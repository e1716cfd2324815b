package io.tandem.config.director;

import java.net.InetAddress;

/**
 * A {@code real=} (or {@code fallback=}) server of a virtual service.
 *
 * @param port    1..65535, defaulting to the virtual service's port; 0 when no port is written
 *                and there is none to default to: in a firewall-mark service (the packet's
 *                destination port is kept) and in a global {@code fallback=} (the port of each
 *                virtual service)
 * @param method  {@code gate}, {@code masq} or {@code ipip}
 * @param weight  0..65535
 * @param request per-real check request, or null to use the virtual's {@code request=}
 * @param receive per-real expected response, or null to use the virtual's {@code receive=}
 * @param line    1-based line of the directive
 */
public record RealServerSpec(InetAddress address, int port, String method, int weight, String request,
        String receive, int line) {
}
