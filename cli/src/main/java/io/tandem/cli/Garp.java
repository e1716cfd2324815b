package io.tandem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tandemctl garp [VIP]}: the node that holds the VIPs announces them again now, as on a
 * takeover ({@code garp_count} gratuitous ARPs, unsolicited neighbour advertisements for IPv6,
 * {@code garp_interval} apart), for a switch or router whose cache still points at the old MAC.
 * Exit 1 when this node holds no VIP, or not the one named.
 */
@Command(name = "garp", description = "Announce the VIPs this node holds again, now (gratuitous ARP, unsolicited NA "
        + "for IPv6), or only VIP; refused for a VIP this node does not hold.")
final class Garp extends Tandemctl.DaemonCommand {
    @Parameters(arity = "0..1", paramLabel = "VIP", description = "one VIP this node holds (default: every one it holds)")
    String vip;

    @Override
    String command() {
        return "garp";
    }

    @Override
    ObjectNode fields() {
        ObjectNode fields = new ObjectMapper().createObjectNode();
        if (vip != null) {
            fields.put("vip", vip);
        }
        return fields;
    }

    @Override
    public Integer call() {
        if (vip != null && !vip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            parent.spec.commandLine().getErr().println("tandemctl: garp takes a VIP address, not '" + vip + "'");
            return Tandemctl.EXIT_USAGE;
        }
        return super.call();
    }
}
