package io.tandem.membership;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A director's membership channel alone in its own JVM, so a test can kill it with SIGKILL: a
 * real crash, with no chance to say goodbye. Arguments: cluster node port peerPort... It runs
 * until killed or until its standard input closes.
 */
public final class PeerProcess {

    private PeerProcess() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            peers.add(new InetSocketAddress(loopback, Integer.parseInt(args[i])));
        }
        MembershipConfig config = new MembershipConfig(args[0], args[1], loopback, Integer.parseInt(args[2]), peers,
                TestCluster.SECRET, Duration.ofSeconds(1));
        try (Membership membership = Membership.start(config, new RecordingListener())) {
            System.out.println("started " + membership.members());
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
