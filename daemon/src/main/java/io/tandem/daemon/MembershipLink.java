package io.tandem.daemon;

import io.tandem.config.ClusterConfig;
import io.tandem.config.UcastMedium;
import io.tandem.membership.ControlMessage;
import io.tandem.membership.Membership;
import io.tandem.membership.MembershipConfig;
import io.tandem.membership.MembershipListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's seat in the JGroups membership channel (see docs/membership.md). It is a second,
 * reliable path next to the heartbeat, never a failure detector of its own: a graceful leave seen
 * here counts as the peer's goodbye (in case the goodbye datagrams were lost); views are logged
 * and shown in status. The channel binds this node's address on the first heartbeat medium's
 * subnet, port 7694, and is sealed with a key derived from authkeys.
 */
final class MembershipLink implements MembershipListener {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipLink.class);

    private final ClusterConfig config;
    private final String self;
    private final ClusterNode cluster;
    private volatile Membership membership;
    private volatile List<String> members = List.of();
    private volatile String problem;

    MembershipLink(ClusterConfig config, String self, ClusterNode cluster) {
        this.config = config;
        this.self = self;
        this.cluster = cluster;
    }

    /** Joins in the background: a lone node waits out the join timeout, which must not hold up start-up. */
    void startInBackground() {
        Thread t = new Thread(this::join, "tandem-membership-join");
        t.setDaemon(true);
        t.start();
    }

    private void join() {
        try {
            InetAddress bind = localAddressFacing(config.ha().ucast(), vipAddresses());
            List<InetSocketAddress> peers = new ArrayList<>();
            peers.add(new InetSocketAddress(bind, MembershipConfig.DEFAULT_PORT));
            for (UcastMedium m : config.ha().ucast()) {
                peers.add(new InetSocketAddress(m.peer(), MembershipConfig.DEFAULT_PORT));
            }
            MembershipConfig mc = new MembershipConfig(config.ha().clusterName(), self, bind, MembershipConfig.DEFAULT_PORT,
                    peers, config.authKeys().active().secret(), MembershipConfig.DEFAULT_JOIN_TIMEOUT);
            membership = Membership.start(mc, this);
            LOG.info("membership channel on tcp {}:{} (sealed with a key derived from authkeys key {})",
                    bind.getHostAddress(), MembershipConfig.DEFAULT_PORT, config.authKeys().activeId());
        } catch (IOException | RuntimeException e) {
            problem = e.getMessage();
            LOG.warn("membership channel not started: {}; failover still works on heartbeats alone, but planned "
                    + "moves and goodbyes have no second path", e.getMessage());
        }
    }

    private java.util.Set<InetAddress> vipAddresses() {
        java.util.Set<InetAddress> vips = new java.util.HashSet<>();
        config.groups().forEach(g -> g.resources().forEach(r -> {
            if (r instanceof io.tandem.config.VipSpec v) {
                vips.add(v.address());
            }
        }));
        return vips;
    }

    /** This node's own address (never a VIP, which moves) on the subnet of the first ucast peer. */
    private static InetAddress localAddressFacing(List<UcastMedium> media, java.util.Set<InetAddress> vips)
            throws SocketException {
        for (UcastMedium m : media) {
            InterfaceAddress a = LocalAddresses.addressFacing(m.peer(), vips);
            if (a != null) {
                return a.getAddress();
            }
        }
        throw new SocketException("no local address shares a subnet with any ucast peer " + media);
    }

    /** Members of the current view, for status. */
    List<String> members() {
        return members;
    }

    /** Why the channel is not up, or null. */
    String problem() {
        return problem;
    }

    long rejectedMessages() {
        Membership m = membership;
        return m == null ? 0 : m.rejectedMessages();
    }

    @Override
    public void onView(List<String> view, boolean merged) {
        members = List.copyOf(view);
        LOG.info("membership view {}{}", view, merged ? " (merged after a partition)" : "");
    }

    @Override
    public void onControl(String from, ControlMessage message) {
        LOG.debug("control message {} from {} ignored: nothing uses it yet", message.type(), from);
    }

    @Override
    public void onPeerLeft(String peer, boolean graceful) {
        if (graceful) {
            cluster.onPeerLeftGracefully(peer);
        } else {
            LOG.info("membership: {} dropped out of the view (not a goodbye); heartbeat decides whether it is dead", peer);
        }
    }

    /** Stop: the goodbye on the reliable path (after every group was released). */
    void leave() {
        Membership m = membership;
        if (m != null) {
            m.leave();
        }
    }
}
