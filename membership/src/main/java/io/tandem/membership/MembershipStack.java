package io.tandem.membership;

import java.util.ArrayList;
import java.util.List;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.RSVP;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.protocols.pbcast.STATE;
import org.jgroups.stack.Protocol;

/**
 * The JGroups protocol stack of the membership channel, bottom (transport) first:
 *
 * <pre>
 * STATE            bulk state transfer, streamed in messages (so it is sealed like the rest)
 * RSVP             lets leave() wait until the peer has its "leaving" notice
 * FRAG4            fragments large messages (state chunks)
 * GMS              views: join, leave, merge; a lone node becomes coordinator after joinTimeout
 * STABLE           garbage-collects messages every member has
 * UNICAST3         reliable, ordered unicasts
 * NAKACK2          reliable, ordered multicasts (sent as unicasts by TCP)
 * VERIFY_SUSPECT2  double-checks a suspicion before GMS excludes anyone
 * FD_ALL3          heartbeat-style detector: catches a silent peer (hung host, cut link)
 * FD_SOCK2         socket detector on port+100: catches a dead process at once (TCP reset)
 * MERGE3           finds subgroups after a partition and has them merge
 * TCPPING          discovery: asks only the configured directors
 * SERIALIZE        turns every message (headers, addresses, body) into one payload...
 * SYM_ENCRYPT      ...that is sealed with ChaCha20-Poly1305 under the authkeys-derived key
 * TCP              the transport, on bindAddress:port exactly (no port range, no diagnostics)
 * </pre>
 *
 * Encryption sits directly on the transport, lower than JGroups' usual place under NAKACK2, so
 * that discovery, failure detection and merge traffic are sealed too: a stranger without the
 * key can neither read the members nor take part in any protocol. Failure detection is tuned
 * slow on purpose: heartbeat is Tandem's failure detector; JGroups only has to notice a peer
 * for the view, and must not flap on a busy host.
 */
final class MembershipStack {

    /** FD_ALL3: send a heartbeat this often, suspect after silence of {@link #FD_TIMEOUT_MS}. */
    static final long FD_INTERVAL_MS = 2_000;
    static final long FD_TIMEOUT_MS = 8_000;
    static final long VERIFY_SUSPECT_TIMEOUT_MS = 1_000;
    /** MERGE3 exchanges view ids at a random interval in this range. */
    static final long MERGE_MIN_INTERVAL_MS = 2_000;
    static final long MERGE_MAX_INTERVAL_MS = 5_000;
    /** How long leave() waits for the peer to confirm the "leaving" notice. */
    static final long LEAVE_NOTICE_TIMEOUT_MS = 1_000;
    static final long LEAVE_TIMEOUT_MS = 1_000;
    static final int CONNECT_TIMEOUT_MS = 1_000;
    /** JGroups' default; TCP port + this is the socket failure detector's port. */
    static final int FD_SOCK_PORT_OFFSET = 100;

    private MembershipStack() {
    }

    /** A fresh, mutable list of the protocols, bottom first. */
    static List<Protocol> protocols(MembershipConfig config, CountingSymEncrypt encrypt) {
        TCP tcp = new TCP();
        tcp.setBindAddress(config.bindAddress());
        tcp.setBindPort(config.port());
        tcp.setPortRange(0);
        tcp.setSockConnTimeout(CONNECT_TIMEOUT_MS);

        encrypt.setSecretKey(ClusterKey.derive(config.secret()));
        encrypt.symAlgorithm(ClusterKey.CIPHER);
        encrypt.symIvLength(ClusterKey.NONCE_BYTES);

        TCPPING ping = new TCPPING();
        ping.setInitialHosts(config.peers());
        ping.setValue("port_range", 0);

        MERGE3 merge = new MERGE3();
        merge.setMinInterval(MERGE_MIN_INTERVAL_MS);
        merge.setMaxInterval(MERGE_MAX_INTERVAL_MS);

        FD_SOCK2 fdSock = new FD_SOCK2();
        fdSock.setBindAddress(config.bindAddress());
        fdSock.setOffset(FD_SOCK_PORT_OFFSET);

        FD_ALL3 fdAll = new FD_ALL3();
        fdAll.setInterval(FD_INTERVAL_MS);
        fdAll.setTimeout(FD_TIMEOUT_MS);

        VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2();
        verify.setTimeout(VERIFY_SUSPECT_TIMEOUT_MS);

        NAKACK2 nakack = new NAKACK2();
        nakack.setValue("use_mcast_xmit", false);

        GMS gms = new GMS();
        gms.setJoinTimeout(config.joinTimeout().toMillis());
        gms.setLeaveTimeout(LEAVE_TIMEOUT_MS);
        gms.printLocalAddress(false);
        gms.printPhysicalAddress(false);

        RSVP rsvp = new RSVP();
        rsvp.setTimeout(LEAVE_NOTICE_TIMEOUT_MS);
        rsvp.setResendInterval(LEAVE_NOTICE_TIMEOUT_MS / 4);
        rsvp.setValue("throw_exception_on_timeout", true);

        return new ArrayList<>(List.of(tcp, encrypt, new SERIALIZE(), ping, merge, fdSock, fdAll, verify,
                nakack, new UNICAST3(), new STABLE(), gms, new FRAG4(), rsvp, new STATE()));
    }
}
