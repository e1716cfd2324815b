package io.tandem.arp;

import io.tandem.linux.LinuxException;
import io.tandem.linux.PacketSocket;
import java.io.Closeable;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches ARP on the VIPs' interfaces for another machine answering for a VIP: any ARP frame whose
 * sender address is a watched VIP and whose sender MAC is not ours. That is how a split brain
 * shows when every heartbeat link is down but the LAN is not (both directors announce the VIP),
 * and how a misconfigured real server (VIP on lo without {@code arp_ignore}) shows itself.
 *
 * <p>It also remembers the MAC each watched peer address last used as ARP sender, so a conflict can
 * be told apart: the peer director's MAC, or a stranger's.
 *
 * <p>One thread per interface reads an ETH_P_ARP packet socket; frames are parsed in place, nothing
 * is allocated per frame unless it is a conflict, and a conflict is reported at most once per
 * second per VIP. The listener runs on the watcher's thread and must hand work off quickly.
 */
public final class ArpWatcher implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ArpWatcher.class);
    private static final int RECEIVE_TIMEOUT_MILLIS = 200;
    private static final long REPORT_EVERY_NANOS = 1_000_000_000L;

    /** Told about every conflict (rate-limited per VIP). */
    public interface Listener {
        /**
         * @param foreignMac    the MAC that answered for the VIP
         * @param fromKnownPeer whether that MAC is the one a watched peer address uses
         * @param gratuitous    whether it was an announcement (sender = target = VIP), which only a
         *                      running HA daemon sends, rather than a kernel's plain ARP reply
         */
        void onForeignClaim(String ifName, Inet4Address vip, byte[] foreignMac, boolean fromKnownPeer, boolean gratuitous);
    }

    private final Listener listener;
    private final Map<String, InterfaceWatch> interfaces = new HashMap<>();
    private final AtomicLong conflicts = new AtomicLong();

    public ArpWatcher(Listener listener) {
        this.listener = listener;
    }

    /** Starts watching {@code vip} on {@code ifName}, whose MAC is ours. */
    public synchronized void watchVip(String ifName, Inet4Address vip, byte[] ourMac) throws LinuxException {
        watchOf(ifName).vips.put(toInt(vip), new VipWatch(vip, ourMac.clone()));
    }

    /**
     * Learns the MAC of {@code peer}, an address of the other director on {@code ifName}: from any
     * ARP it sends, and from the answer to an ARP probe sent now (the kernel may already know the
     * peer and never ask again).
     */
    public synchronized void watchPeer(String ifName, Inet4Address peer, byte[] ourMac) throws LinuxException {
        InterfaceWatch w = watchOf(ifName);
        w.peers.put(toInt(peer), new byte[ArpFrame.MAC_BYTES]);
        w.peerAddresses.put(peer, ourMac.clone());
        probe(w, peer, ourMac);
    }

    /** Asks every watched peer address for its MAC again (after a conflict with a MAC we cannot place). */
    public synchronized void probePeers() {
        for (InterfaceWatch w : interfaces.values()) {
            w.peerAddresses.forEach((peer, ourMac) -> {
                try {
                    probe(w, peer, ourMac);
                } catch (LinuxException e) {
                    LOG.debug("ARP probe for {} on {} failed: {}", peer, w.ifName, e.getMessage());
                }
            });
        }
    }

    private static void probe(InterfaceWatch w, Inet4Address peer, byte[] ourMac) throws LinuxException {
        ByteBuffer frame = ByteBuffer.allocateDirect(ArpFrame.FRAME_BYTES);
        ArpFrame.writeProbe(frame, ourMac, peer);
        frame.flip();
        w.socket.send(frame);
    }

    /** Conflicts seen so far. */
    public long conflicts() {
        return conflicts.get();
    }

    private InterfaceWatch watchOf(String ifName) throws LinuxException {
        InterfaceWatch w = interfaces.get(ifName);
        if (w == null) {
            w = new InterfaceWatch(ifName, PacketSocket.openRaw(ifName, PacketSocket.ETH_P_ARP));
            interfaces.put(ifName, w);
            w.thread.start();
        }
        return w;
    }

    @Override
    public synchronized void close() {
        for (InterfaceWatch w : interfaces.values()) {
            w.running = false;
            try {
                w.thread.join(2 * RECEIVE_TIMEOUT_MILLIS + 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            w.socket.close();
        }
        interfaces.clear();
    }

    private static int toInt(Inet4Address a) {
        return ByteBuffer.wrap(a.getAddress()).getInt();
    }

    private record VipWatch(Inet4Address vip, byte[] ourMac) {
    }

    private final class InterfaceWatch {
        final String ifName;
        final PacketSocket socket;
        final Thread thread;
        // Written under the watcher's lock, read by the thread: small maps, replaced rarely.
        final Map<Integer, VipWatch> vips = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Integer, byte[]> peers = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Inet4Address, byte[]> peerAddresses = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Integer, Long> lastReportNanos = new HashMap<>();
        volatile boolean running = true;

        InterfaceWatch(String ifName, PacketSocket socket) {
            this.ifName = ifName;
            this.socket = socket;
            this.thread = new Thread(this::run, "tandem-arpwatch-" + ifName);
            this.thread.setDaemon(true);
        }

        private void run() {
            ByteBuffer buf = ByteBuffer.allocateDirect(ArpFrame.FRAME_BYTES * 2);
            ArpFrame frame = new ArpFrame();
            byte[] mac = new byte[ArpFrame.MAC_BYTES];
            while (running) {
                buf.clear();
                int n;
                try {
                    n = socket.receive(buf, RECEIVE_TIMEOUT_MILLIS);
                } catch (LinuxException e) {
                    if (running) {
                        LOG.warn("ARP watch on {} stopped: {}; split brains on this LAN will only be seen through "
                                + "heartbeats", ifName, e.getMessage());
                    }
                    return;
                }
                if (n <= 0) {
                    continue;
                }
                buf.limit(Math.min(n, buf.capacity())).position(0);
                frame.wrap(buf);
                if (!frame.isIpv4OverEthernet()) {
                    continue;
                }
                int sender = frame.senderIpv4();
                byte[] peerMac = peers.get(sender);
                if (peerMac != null) {
                    frame.senderMac(peerMac);
                }
                VipWatch w = vips.get(sender);
                if (w == null) {
                    continue;
                }
                frame.senderMac(mac);
                if (Arrays.equals(mac, w.ourMac())) {
                    continue;
                }
                conflicts.incrementAndGet();
                long now = System.nanoTime();
                Long last = lastReportNanos.get(sender);
                if (last != null && now - last < REPORT_EVERY_NANOS) {
                    continue;
                }
                lastReportNanos.put(sender, now);
                boolean known = false;
                for (byte[] p : peers.values()) {
                    known |= Arrays.equals(p, mac);
                }
                listener.onForeignClaim(ifName, w.vip(), mac.clone(), known, frame.isGratuitous());
            }
        }
    }
}
