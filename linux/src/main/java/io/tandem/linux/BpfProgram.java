package io.tandem.linux;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.List;

/**
 * A classic BPF program ({@code struct sock_filter[]}) for {@link PacketRing#attachFilter}, and
 * the one the forwarder uses: pass to user space only the IPv4 frames of given (protocol,
 * address, port) flows, by destination (clients to a virtual service) or by source (NAT real
 * servers' replies); every IPv6 frame passes (its extension headers are left to user space).
 *
 * <pre>
 *  sock_filter (8 bytes): u16 code | u8 jt | u8 jf | u32 k
 *
 *  ldh [12]; jeq 0x86dd -&gt; ACCEPT; jeq 0x800 else REJECT
 *  ldh [20]; jset 0x1fff -&gt; REJECT              (non-first fragments carry no ports)
 *  ldb [23] -&gt; M[0]  ld [26] -&gt; M[1]  ld [30] -&gt; M[2]  ldxb 4*([14]&amp;15)
 *  ldh [x+14] -&gt; M[3]  ldh [x+16] -&gt; M[4]
 *  per match: ld M[0]; jeq proto; ld M[addr]; jeq address; ld M[port]; jeq port -&gt; ACCEPT
 *  REJECT: ret 0      ACCEPT: ret 0x40000 (whole frame)
 * </pre>
 */
public final class BpfProgram {
    /** Matches per program: every jump must reach ACCEPT within 255 instructions. */
    public static final int MAX_MATCHES = 36;

    private static final int LD_H_ABS = 0x28;
    private static final int LD_W_ABS = 0x20;
    private static final int LD_B_ABS = 0x30;
    private static final int LD_H_IND = 0x48;
    private static final int LDX_B_MSH = 0xb1;
    private static final int LD_MEM = 0x60;
    private static final int ST = 0x02;
    private static final int JEQ_K = 0x15;
    private static final int JSET_K = 0x45;
    private static final int RET_K = 0x06;
    private static final int ACCEPT_BYTES = 0x40000;

    private final List<long[]> code;

    private BpfProgram(List<long[]> code) {
        this.code = List.copyOf(code);
    }

    /** One flow to let through: IPv4 {@code protocol}, {@code address} (network-order int), {@code port} (0 = any). */
    public record Match(int protocol, int ipv4Address, int port, boolean bySource) {
    }

    /**
     * The forwarder's filter for {@code matches} (at most {@link #MAX_MATCHES}).
     *
     * @throws IllegalArgumentException with more matches
     */
    public static BpfProgram ipv4Flows(List<Match> matches) {
        if (matches.size() > MAX_MATCHES) {
            throw new IllegalArgumentException("BPF filter matches=" + matches.size() + " must be <= " + MAX_MATCHES);
        }
        List<long[]> c = new ArrayList<>();
        // The jumps of instructions 1, 2 and 4 are set once ACCEPT and REJECT have their places.
        c.add(op(LD_H_ABS, 0, 0, 12));
        c.add(null);
        c.add(null);
        c.add(op(LD_H_ABS, 0, 0, 20));
        c.add(null);
        c.add(op(LD_B_ABS, 0, 0, 23));
        c.add(op(ST, 0, 0, 0));
        c.add(op(LD_W_ABS, 0, 0, 26));
        c.add(op(ST, 0, 0, 1));
        c.add(op(LD_W_ABS, 0, 0, 30));
        c.add(op(ST, 0, 0, 2));
        c.add(op(LDX_B_MSH, 0, 0, 14));
        c.add(op(LD_H_IND, 0, 0, 14));
        c.add(op(ST, 0, 0, 3));
        c.add(op(LD_H_IND, 0, 0, 16));
        c.add(op(ST, 0, 0, 4));
        int reject = c.size() + 6 * matches.size();
        int accept = reject + 1;
        for (Match m : matches) {
            int at = c.size();
            int nextMatch = at + 6;
            c.add(op(LD_MEM, 0, 0, 0));
            c.add(op(JEQ_K, 0, nextMatch - (at + 1) - 1, m.protocol()));
            c.add(op(LD_MEM, 0, 0, m.bySource() ? 1 : 2));
            c.add(op(JEQ_K, 0, nextMatch - (at + 3) - 1, m.ipv4Address() & 0xFFFF_FFFFL));
            c.add(op(LD_MEM, 0, 0, m.bySource() ? 3 : 4));
            if (m.port() == 0) {
                c.add(op(JEQ_K, accept - (at + 5) - 1, accept - (at + 5) - 1, 0));
            } else {
                c.add(op(JEQ_K, accept - (at + 5) - 1, 0, m.port()));
            }
        }
        c.add(op(RET_K, 0, 0, 0));
        c.add(op(RET_K, 0, 0, ACCEPT_BYTES));
        c.set(1, op(JEQ_K, accept - 1 - 1, 0, 0x86DD));
        c.set(2, op(JEQ_K, 0, reject - 2 - 1, 0x0800));
        c.set(4, op(JSET_K, reject - 4 - 1, 0, 0x1FFF));
        for (int i = 0; i < c.size(); i++) {
            long[] ins = c.get(i);
            if (ins[1] > 255 || ins[2] > 255 || ins[1] < 0 || ins[2] < 0) {
                throw new IllegalStateException("BPF jump out of range at " + i);
            }
        }
        return new BpfProgram(c);
    }

    private static long[] op(int code, int jt, int jf, long k) {
        return new long[] {code, jt, jf, k};
    }

    /** Number of instructions. */
    public int length() {
        return code.size();
    }

    /** The instructions as {@code struct sock_filter[]} in native memory; the caller closes it. */
    Memory toNative() {
        Memory m = new Memory(8L * code.size());
        for (int i = 0; i < code.size(); i++) {
            long[] ins = code.get(i);
            m.setShort(8L * i, (short) ins[0]);
            m.setByte(8L * i + 2, (byte) ins[1]);
            m.setByte(8L * i + 3, (byte) ins[2]);
            m.setInt(8L * i + 4, (int) ins[3]);
        }
        return m;
    }
}
