package io.tandem.director.forward;

import io.tandem.director.ForwardingMethod;
import io.tandem.director.IpAddresses;
import io.tandem.director.RealServerState;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the kernel out of the forwarder's traffic with an nftables table Tandem owns,
 * {@code table inet tandem_director}: the forwarder reads its frames from an AF_PACKET tap,
 * which sees a frame before netfilter does, so dropping them in the kernel loses nothing and
 * stops the kernel from answering them too (a RST from the director's own stack for the VIP,
 * or forwarding a NAT reply un-rewritten).
 *
 * <pre>
 *  table inet tandem_director {
 *    chain prerouting {
 *      type filter hook prerouting priority -310; policy accept;   # before conntrack (-200)
 *      ip daddr 198.51.100.10 tcp dport 80 drop                   # each virtual service
 *      fib daddr type local accept                                 # the director's own traffic
 *      ip saddr 198.51.101.21 tcp sport 80 drop                    # each NAT real server's replies
 *    }
 *  }
 * </pre>
 *
 * Prerouting rather than input: it also catches NAT replies, which are not for a local
 * address and would otherwise be routed (or answered with ICMP), and it runs before conntrack,
 * so the director keeps no kernel state for traffic it forwards itself. The rules go in with
 * {@code nft -f -} as one generated ruleset, a single atomic transaction that replaces any
 * table left by an earlier run ({@code table ...; delete table ...; table ... { }}); text is
 * what {@code nft list} prints back, easy to read in a bug report, and needs no JSON schema.
 */
public final class KernelBypass {
    /** The table's family and name. */
    public static final String TABLE = "inet tandem_director";
    private static final long NFT_TIMEOUT_MS = 10_000;

    private final List<String> nftCommand;

    /**
     * @param nftCommand how to run nft, e.g. {@code [nft]}, or {@code [ip, netns, exec, NS, nft]}
     */
    public KernelBypass(List<String> nftCommand) {
        this.nftCommand = List.copyOf(nftCommand);
    }

    /** The ruleset {@link #install} loads for {@code services}. */
    public static String ruleset(ServiceTable services) {
        StringBuilder s = new StringBuilder();
        s.append("table ").append(TABLE).append('\n');
        s.append("delete table ").append(TABLE).append('\n');
        s.append("table ").append(TABLE).append(" {\n");
        s.append("  chain prerouting {\n");
        s.append("    type filter hook prerouting priority -310; policy accept;\n");
        for (int i = 0; i < services.serviceCount(); i++) {
            VirtualService v = services.service(i).spec();
            s.append("    ").append(match(IpAddresses.high(v.address()), IpAddresses.low(v.address()), "daddr",
                    v.protocol().number(), "dport", v.port())).append(" drop\n");
        }
        s.append("    fib daddr type local accept\n");
        for (int id = 0; id < services.serverCount(); id++) {
            RealServerState r = services.server(id);
            if (r.forwarding() == ForwardingMethod.NAT) {
                int protocol = services.service(r.serviceIndex()).spec().protocol().number();
                s.append("    ").append(match(r.addressHigh(), r.addressLow(), "saddr", protocol, "sport", r.port()))
                        .append(" drop\n");
            }
        }
        s.append("  }\n}\n");
        return s.toString();
    }

    private static String match(long high, long low, String addressKey, int protocol, String portKey, int port) {
        boolean ipv4 = IpAddresses.isIPv4(high, low);
        String proto = protocol == 6 ? "tcp" : "udp";
        String address = (ipv4 ? "ip " : "ip6 ") + addressKey + " " + IpAddresses.toString(high, low);
        return port == 0 ? address + " meta l4proto " + proto : address + " " + proto + " " + portKey + " " + port;
    }

    /** Replaces Tandem's table (if any) by the rules for {@code services}, atomically. */
    public void install(ServiceTable services) throws IOException {
        run(ruleset(services));
    }

    /** Removes Tandem's table; nothing happens if there is none. */
    public void remove() throws IOException {
        run("table " + TABLE + "\ndelete table " + TABLE + "\n");
    }

    /** Whether Tandem's table is loaded now (runs {@code nft list tables}). */
    public boolean isInstalled() throws IOException {
        List<String> command = new ArrayList<>(nftCommand);
        command.addAll(List.of("list", "tables"));
        return exec(command, null).contains("table " + TABLE);
    }

    private void run(String ruleset) throws IOException {
        List<String> command = new ArrayList<>(nftCommand);
        command.addAll(List.of("-f", "-"));
        exec(command, ruleset);
    }

    private static String exec(List<String> command, String input) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output;
        try (InputStream out = p.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(NFT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + NFT_TIMEOUT_MS + " ms");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + output.strip()
                    + (input == null ? "" : "\n--- ruleset ---\n" + input));
        }
        return output;
    }
}
