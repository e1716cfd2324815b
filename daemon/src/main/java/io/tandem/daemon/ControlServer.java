package io.tandem.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.tandem.failover.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket: a Unix domain socket, mode 0600, that only root (or the daemon's own user)
 * may use — the kernel's peer credentials are checked on every connection. One JSON object per
 * line: {@code {"command":"status"}}, {@code {"command":"takeover","group":"all"}},
 * {@code {"command":"standby","group":"all"}}. Every answer has {@code ok}; a refusal has
 * {@code error}.
 */
final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final Path path;
    private final EventLoopGroup group;
    private final ClusterNode cluster;
    private final ObjectMapper json = new ObjectMapper();
    private final long moveTimeoutNanos;
    private Channel server;

    private final java.util.function.Supplier<Daemon.ReloadResult> reload;

    private final java.util.List<io.tandem.daemon.director.DirectorResource> directors;

    ControlServer(Path path, EventLoopGroup group, ClusterNode cluster, java.util.function.Supplier<Daemon.ReloadResult> reload,
            java.util.List<io.tandem.daemon.director.DirectorResource> directors, long moveTimeoutNanos) {
        this.reload = reload;
        this.directors = directors;
        this.path = path;
        this.group = group;
        this.cluster = cluster;
        this.moveTimeoutNanos = moveTimeoutNanos;
    }

    void start() throws IOException, InterruptedException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.deleteIfExists(path);
        server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_REQUEST_BYTES), new RequestHandler());
                    }
                })
                .bind(new DomainSocketAddress(path.toFile()))
                .sync()
                .channel();
        // The peer-credential check below is what keeps non-root users out; the mode says so too.
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.debug("removing control socket {}: {}", path, e.getMessage());
            }
        }
    }

    private final class RequestHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            PeerCredentials cred = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials();
            int myUid = (int) new com.sun.security.auth.module.UnixSystem().getUid();
            if (cred.uid() != 0 && cred.uid() != myUid) {
                LOG.warn("control socket: refused a connection from uid {} pid {}: only root may control tandemd",
                        cred.uid(), cred.pid());
                reply(ctx, error("permission denied: only root may control tandemd"));
                return;
            }
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            JsonNode request;
            try {
                request = json.readTree(msg.toString(StandardCharsets.UTF_8));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                reply(ctx, error("request is not JSON: " + e.getOriginalMessage()));
                return;
            }
            String command = request.path("command").asText("");
            String target = request.path("group").asText("all");
            switch (command) {
                case "status" -> cluster.status().whenComplete((s, t) ->
                        reply(ctx, t != null ? error(t.toString()) : statusJson(s)));
                case "takeover" -> move(ctx, Command.TAKEOVER, target);
                case "standby" -> move(ctx, Command.STANDBY, target);
                case "failback" -> move(ctx, Command.FAILBACK, "all");
                case "maintenance" -> {
                    String mode = request.path("mode").asText("");
                    if (!mode.equals("on") && !mode.equals("off")) {
                        reply(ctx, error("maintenance needs mode on or off, not '" + mode + "'"));
                    } else {
                        answer(ctx, cluster.maintenance(mode.equals("on")));
                    }
                }
                case "reload" -> java.util.concurrent.CompletableFuture.supplyAsync(reload)
                        .thenApply(r -> new ClusterNode.CommandOutcome(r.ok(), r.message()))
                        .whenComplete((o, t) -> reply(ctx, t != null ? error(t.toString())
                                : o.ok() ? json.createObjectNode().put("ok", true).put("message", o.message()) : error(o.message())));
                case "history" -> cluster.history().whenComplete((h, t) ->
                        reply(ctx, t != null ? error(t.toString()) : historyJson(h)));
                case "services" -> reply(ctx, servicesJson());
                case "conns" -> connections(ctx, request.path("limit").asInt(DEFAULT_CONNECTIONS));
                case "garp" -> garp(ctx, request.path("vip").asText(""));
                default -> reply(ctx, error("unknown command '" + command
                        + "'; known: status, takeover, standby, failback, maintenance, history, reload, services, conns, garp"));
            }
        }

        /** {@code {"command":"garp"}} for every held VIP, {@code {"command":"garp","vip":"198.51.100.10"}} for one. */
        private void garp(ChannelHandlerContext ctx, String vip) {
            java.net.InetAddress address = null;
            if (!vip.isEmpty()) {
                address = addressLiteral(vip);
                if (address == null) {
                    reply(ctx, error("garp vip=" + vip + " is not an IP address"));
                    return;
                }
            }
            answer(ctx, cluster.announceVips(address));
        }

        private void move(ChannelHandlerContext ctx, Command command, String target) {
            answer(ctx, cluster.command(command, target, moveTimeoutNanos));
        }

        private void answer(ChannelHandlerContext ctx, CompletableFuture<ClusterNode.CommandOutcome> f) {
            f.whenComplete((o, t) -> {
                if (t != null) {
                    reply(ctx, error(t.toString()));
                } else if (o.ok()) {
                    ObjectNode ok = json.createObjectNode().put("ok", true).put("message", o.message());
                    reply(ctx, ok);
                } else {
                    reply(ctx, error(o.message()));
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                reply(ctx, error("request longer than " + MAX_REQUEST_BYTES + " bytes"));
            } else {
                LOG.debug("control connection failed: {}", cause.toString());
                ctx.close();
            }
        }
    }

    /** How many connection entries {@code conns} lists unless asked for another number. */
    static final int DEFAULT_CONNECTIONS = 10_000;

    private ObjectNode servicesJson() {
        ObjectNode answer = json.createObjectNode().put("ok", true);
        var list = answer.putArray("directors");
        for (var d : directors) {
            list.add(json.valueToTree(d.view()));
        }
        return answer;
    }

    /** Every director's entries (up to {@code limit} each), gathered on their forwarding threads. */
    private void connections(ChannelHandlerContext ctx, int limit) {
        if (limit <= 0) {
            reply(ctx, error("conns limit=" + limit + " must be > 0"));
            return;
        }
        java.util.List<CompletableFuture<java.util.List<io.tandem.daemon.director.DirectorView.ConnectionView>>> parts =
                directors.stream().map(d -> d.connections(limit)).toList();
        CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> {
            if (t != null) {
                reply(ctx, error("could not read the connection table: " + t.getMessage()));
                return;
            }
            ObjectNode answer = json.createObjectNode().put("ok", true);
            var list = answer.putArray("directors");
            for (int i = 0; i < directors.size(); i++) {
                ObjectNode d = list.addObject().put("name", directors.get(i).name());
                d.set("connections", json.valueToTree(parts.get(i).join()));
            }
            reply(ctx, answer);
        });
    }

    /** An IPv4 dotted quad or an IPv6 literal, parsed without any name lookup; null for anything else. */
    static java.net.InetAddress addressLiteral(String text) {
        boolean v4 = text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
                && java.util.Arrays.stream(text.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
        boolean v6 = text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            // A literal of either shape is parsed, never looked up.
            return java.net.InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private ObjectNode error(String message) {
        return json.createObjectNode().put("ok", false).put("error", message);
    }

    private ObjectNode statusJson(StatusSnapshot s) {
        ObjectNode root = json.createObjectNode();
        root.put("ok", true);
        root.put("node", s.node());
        root.put("state", s.state());
        root.put("maintenance", s.maintenance());
        root.put("generation", s.generation());
        ObjectNode peer = root.putObject("peer");
        peer.put("name", s.peerName());
        peer.put("alive", s.peerAlive());
        peer.put("status", s.peerStatus());
        peer.put("reason", s.peerReason());
        if (s.peerLastHeardMillisAgo() >= 0) {
            peer.put("lastHeardMillisAgo", s.peerLastHeardMillisAgo());
        }
        if (s.peerRoundTripMicros() >= 0) {
            peer.put("roundTripMicros", s.peerRoundTripMicros());
        }
        if (s.peerAddress() != null) {
            peer.put("address", s.peerAddress());
        }
        peer.put("configMatches", s.peerConfigMatches());
        root.set("groups", json.valueToTree(s.groups().stream().map(g -> json.createObjectNode()
                .put("name", g.name())
                .put("state", g.state().label())
                .put("preferredNode", g.preferredNode())
                .put("sinceEpochMillis", g.sinceEpochMillis())
                .put("reason", g.reason())
                .put("wants", g.wants())
                .put("yields", g.yields())).toList()));
        root.set("resources", json.valueToTree(s.resources().stream().map(r -> json.createObjectNode()
                .put("group", r.group())
                .put("resource", r.resource())
                .put("held", r.held())).toList()));
        ObjectNode hb = root.putObject("heartbeat");
        s.heartbeat().forEach(hb::put);
        hb.put("stalls", s.stalls());
        hb.put("longestStallMillis", s.longestStallMillis());
        var links = hb.putArray("links");
        for (var l : s.links()) {
            links.addObject()
                    .put("name", l.name())
                    .put("up", l.up())
                    .put("lastHeardMillisAgo", l.lastHeardMillisAgo())
                    .put("lossPercent", Math.round(l.lossPercent() * 10) / 10.0)
                    .put("rttMicros", l.rttMicros())
                    .put("received", l.received())
                    .put("dropped", l.dropped())
                    .put("sent", l.sent())
                    .put("sendErrors", l.sendErrors())
                    .put("downs", l.downs());
        }
        root.put("transitions", s.transitions());
        ObjectNode mem = root.putObject("membership");
        mem.set("members", json.valueToTree(s.members()));
        mem.put("rejected", s.membershipRejected());
        if (s.membershipProblem() != null) {
            mem.put("problem", s.membershipProblem());
        }
        // The connection sync of each director resource: lag, entries, resends, drops.
        var syncs = root.putArray("sync");
        for (var d : directors) {
            var view = d.syncView();
            if (view != null) {
                ObjectNode n = syncs.addObject().put("director", d.name()).put("peer", view.peer())
                        .put("synchronised", view.synchronised());
                n.set("counters", json.valueToTree(view.counters()));
            }
        }
        return root;
    }

    private ObjectNode historyJson(java.util.List<io.tandem.failover.Transition> history) {
        ObjectNode root = json.createObjectNode().put("ok", true);
        var list = root.putArray("transitions");
        for (var t : history) {
            list.addObject()
                    .put("atEpochMillis", t.atEpochMillis())
                    .put("group", t.group())
                    .put("from", t.from().label())
                    .put("to", t.to().label())
                    .put("reason", t.reason());
        }
        return root;
    }

    private void reply(ChannelHandlerContext ctx, ObjectNode answer) {
        byte[] bytes;
        try {
            bytes = (json.writeValueAsString(answer) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            bytes = "{\"ok\":false,\"error\":\"could not encode the answer\"}\n".getBytes(StandardCharsets.UTF_8);
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE);
    }
}
