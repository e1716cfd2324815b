package io.tandem.membership;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two directors' channels in one JVM, on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MembershipTest {

    private static final Duration SOON = Duration.ofSeconds(10);

    private final TestCluster cluster = new TestCluster();
    private final List<Membership> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(Membership::close);
    }

    private Membership start(String node, int port, RecordingListener listener) throws IOException {
        return track(Membership.start(cluster.config(node, port), listener));
    }

    private Membership track(Membership membership) {
        started.add(membership);
        return membership;
    }

    private static void awaitView(RecordingListener listener, List<String> members) {
        await().atMost(SOON).until(() -> listener.lastView().size() == members.size()
                && listener.lastView().containsAll(members));
    }

    @Test
    void shouldFormOneViewOfBothDirectors() throws IOException {
        RecordingListener alphaEvents = new RecordingListener();
        RecordingListener betaEvents = new RecordingListener();
        Membership alpha = start("alpha", cluster.portA, alphaEvents);
        Membership beta = start("beta", cluster.portB, betaEvents);

        awaitView(alphaEvents, List.of("alpha", "beta"));
        awaitView(betaEvents, List.of("alpha", "beta"));
        assertTrue(alpha.peerPresent());
        assertTrue(beta.peerPresent());
        assertEquals(List.of("alpha", "beta"), alpha.members(), "the first to start coordinates");
        assertEquals(alpha.members(), beta.members());
        assertFalse(alphaEvents.views.get(alphaEvents.views.size() - 1).merged(), "a join is not a merge");
    }

    @Test
    void shouldFormAClusterAloneWhenThePeerIsAbsent() throws IOException {
        RecordingListener events = new RecordingListener();
        Membership alpha = start("alpha", cluster.portA, events);

        assertEquals(List.of("alpha"), alpha.members());
        assertFalse(alpha.peerPresent());
        assertEquals(List.of(new RecordingListener.ViewEvent(List.of("alpha"), false)), events.views);
    }

    @Test
    void shouldDeliverControlMessagesToThePeerInOrder() throws IOException {
        RecordingListener alphaEvents = new RecordingListener();
        RecordingListener betaEvents = new RecordingListener();
        Membership alpha = start("alpha", cluster.portA, alphaEvents);
        Membership beta = start("beta", cluster.portB, betaEvents);
        awaitView(alphaEvents, List.of("alpha", "beta"));
        awaitView(betaEvents, List.of("alpha", "beta"));

        for (int i = 0; i < 50; i++) {
            alpha.send(ControlMessage.of("takeover-request", Map.of("group", "web", "seq", Integer.toString(i))));
        }
        await().atMost(SOON).until(() -> betaEvents.controls.size() == 50);
        for (int i = 0; i < 50; i++) {
            RecordingListener.ControlEvent event = betaEvents.controls.get(i);
            assertEquals("alpha", event.from());
            assertEquals("takeover-request", event.message().type());
            assertEquals(Integer.toString(i), event.message().field("seq"));
        }

        beta.send(ControlMessage.of("takeover-granted", Map.of("group", "web")));
        await().atMost(SOON).until(() -> alphaEvents.controls.size() == 1);
        assertEquals(new RecordingListener.ControlEvent("beta", ControlMessage.of("takeover-granted",
                Map.of("group", "web"))), alphaEvents.controls.get(0));
        assertTrue(alphaEvents.controls.stream().noneMatch(e -> e.from().equals("alpha")),
                "a node does not hear its own messages");
        assertEquals(0, alpha.malformedMessages());
    }

    @Test
    void shouldReportGracefulLeaveWhenThePeerLeaves() throws IOException {
        RecordingListener alphaEvents = new RecordingListener();
        RecordingListener betaEvents = new RecordingListener();
        Membership alpha = start("alpha", cluster.portA, alphaEvents);
        Membership beta = start("beta", cluster.portB, betaEvents);
        awaitView(betaEvents, List.of("alpha", "beta"));

        alpha.leave(); // the coordinator leaves: beta must still hear it as graceful

        await().atMost(SOON).until(() -> !betaEvents.left.isEmpty());
        assertEquals(List.of(new RecordingListener.LeftEvent("alpha", true)), betaEvents.left);
        assertEquals(List.of("beta"), beta.members());
        assertFalse(beta.peerPresent());
        assertTrue(betaEvents.controls.isEmpty(), "the leaving notice is not a control message for the daemon");
        assertThrows(IllegalStateException.class, () -> alpha.send(ControlMessage.of("ping")));
    }

    @Test
    void shouldReportGracefulLeaveWhenTheNonCoordinatorLeaves() throws IOException {
        RecordingListener alphaEvents = new RecordingListener();
        Membership alpha = start("alpha", cluster.portA, alphaEvents);
        Membership beta = start("beta", cluster.portB, new RecordingListener());
        awaitView(alphaEvents, List.of("alpha", "beta"));

        beta.leave();

        await().atMost(SOON).until(() -> !alphaEvents.left.isEmpty());
        assertEquals(List.of(new RecordingListener.LeftEvent("beta", true)), alphaEvents.left);
    }

    @Test
    void shouldReportUngracefulLeaveWhenThePeerClosesWithoutNotice() throws IOException {
        RecordingListener alphaEvents = new RecordingListener();
        Membership alpha = start("alpha", cluster.portA, alphaEvents);
        Membership beta = start("beta", cluster.portB, new RecordingListener());
        awaitView(alphaEvents, List.of("alpha", "beta"));

        beta.close();

        await().atMost(SOON).until(() -> !alphaEvents.left.isEmpty());
        assertEquals(List.of(new RecordingListener.LeftEvent("beta", false)), alphaEvents.left);
        assertEquals(List.of("alpha"), alpha.members());
    }

    @Test
    void shouldReportUngracefulLeaveWhenThePeerProcessIsKilled() throws Exception {
        RecordingListener alphaEvents = new RecordingListener();
        Membership alpha = start("alpha", cluster.portA, alphaEvents);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process beta = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                PeerProcess.class.getName(), cluster.clusterName, "beta", Integer.toString(cluster.portB),
                Integer.toString(cluster.portA), Integer.toString(cluster.portB))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/peer-process.log")))
                .start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> alpha.members().equals(List.of("alpha", "beta")));

            beta.destroyForcibly(); // SIGKILL: no leaving notice, no LEAVE, sockets reset by the kernel
            assertTrue(beta.waitFor(10, TimeUnit.SECONDS));

            await().atMost(SOON).until(() -> !alphaEvents.left.isEmpty());
            assertEquals(List.of(new RecordingListener.LeftEvent("beta", false)), alphaEvents.left);
            assertEquals(List.of("alpha"), alpha.members());
        } finally {
            beta.destroyForcibly();
        }
    }

    @Test
    void shouldReportUngracefulLeaveWhenThePeerGoesSilentAndIsSuspected() throws IOException {
        RecordingListener alphaEvents = new RecordingListener();
        DISCARD betaLink = new DISCARD();
        Membership alpha = start("alpha", cluster.portA, alphaEvents);
        Membership beta = track(Membership.start(cluster.config("beta", cluster.portB), new RecordingListener(), null,
                protocols -> protocols.add(1, betaLink)));
        awaitView(alphaEvents, List.of("alpha", "beta"));

        // beta hangs: nothing in or out, but its process and sockets live on, so only the
        // heartbeat-style detector (FD_ALL3) and VERIFY_SUSPECT2 can tell.
        betaLink.discardAll(true);

        await().atMost(Duration.ofSeconds(30)).until(() -> !alphaEvents.left.isEmpty());
        assertEquals(List.of(new RecordingListener.LeftEvent("beta", false)), alphaEvents.left);
        assertEquals(List.of("alpha"), alpha.members());
    }

    @Test
    void shouldKeepAStrangerWithAnotherSecretOutOfTheView() throws IOException {
        RecordingListener alphaEvents = new RecordingListener();
        RecordingListener betaEvents = new RecordingListener();
        Membership alpha = start("alpha", cluster.portA, alphaEvents);
        Membership beta = start("beta", cluster.portB, betaEvents);
        awaitView(alphaEvents, List.of("alpha", "beta"));
        long rejectedBefore = alpha.rejectedMessages() + beta.rejectedMessages();

        // Same cluster name, same initial hosts, wrong secret.
        RecordingListener strangerEvents = new RecordingListener();
        Membership stranger = track(Membership.start(
                cluster.config("stranger", TestCluster.freePort(cluster.portA),
                        "not the authkeys secret".getBytes(StandardCharsets.UTF_8)),
                strangerEvents));

        // Its discovery reached both directors and was thrown away there...
        await().atMost(SOON).until(() -> alpha.rejectedMessages() + beta.rejectedMessages() > rejectedBefore);
        // ...so it learnt of nobody and formed a cluster of its own.
        assertEquals(List.of("stranger"), stranger.members());
        stranger.send(ControlMessage.of("takeover-request", Map.of("group", "web")));
        assertEquals(List.of("alpha", "beta"), alpha.members());
        assertEquals(List.of("alpha", "beta"), beta.members());
        assertFalse(alphaEvents.everSaw("stranger"));
        assertFalse(betaEvents.everSaw("stranger"));
        assertTrue(alphaEvents.controls.isEmpty());
        assertTrue(betaEvents.controls.isEmpty());
        assertTrue(strangerEvents.controls.isEmpty(), "nor does the stranger hear the directors");
    }

    @Test
    void shouldDropAControlMessageAStrangerSendsStraightToADirector() throws Exception {
        RecordingListener alphaEvents = new RecordingListener();
        Membership alpha = start("alpha", cluster.portA, alphaEvents);
        Membership stranger = track(Membership.start(
                cluster.config("stranger", cluster.portB, "not the authkeys secret".getBytes(StandardCharsets.UTF_8)),
                new RecordingListener()));
        await().atMost(SOON).until(() -> alpha.rejectedMessages() > 0); // its discovery knocked already
        long rejectedBefore = alpha.rejectedMessages();

        // Give the stranger alpha's address as if it had sniffed it, and send a well-formed
        // control message to alpha directly, bypassing discovery and the view.
        org.jgroups.Address alphaAddress = alpha.channel().getAddress();
        stranger.channel().down(new org.jgroups.Event(org.jgroups.Event.ADD_PHYSICAL_ADDRESS,
                new org.jgroups.util.Tuple<>(alphaAddress,
                        new org.jgroups.stack.IpAddress(TestCluster.LOOPBACK, cluster.portA))));
        for (int i = 0; i < 5; i++) {
            stranger.channel().send(new org.jgroups.BytesMessage(alphaAddress,
                    ControlMessageCodec.encode(ControlMessage.of("takeover-request", Map.of("group", "web")))));
        }

        await().atMost(SOON).until(() -> alpha.rejectedMessages() >= rejectedBefore + 5);
        assertTrue(alphaEvents.controls.isEmpty());
        assertEquals(List.of("alpha"), alpha.members());
    }

    @Test
    void shouldMergeIntoOneViewAfterAPartitionHeals() throws IOException {
        RecordingListener alphaEvents = new RecordingListener();
        RecordingListener betaEvents = new RecordingListener();
        DISCARD alphaLink = new DISCARD();
        DISCARD betaLink = new DISCARD();
        Membership alpha = track(Membership.start(cluster.config("alpha", cluster.portA), alphaEvents, null,
                protocols -> protocols.add(1, alphaLink)));
        Membership beta = track(Membership.start(cluster.config("beta", cluster.portB), betaEvents, null,
                protocols -> protocols.add(1, betaLink)));
        awaitView(alphaEvents, List.of("alpha", "beta"));
        awaitView(betaEvents, List.of("alpha", "beta"));

        alphaLink.discardAll(true);
        betaLink.discardAll(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> alpha.members().equals(List.of("alpha"))
                && beta.members().equals(List.of("beta")));
        assertEquals(List.of(new RecordingListener.LeftEvent("beta", false)), alphaEvents.left);
        assertEquals(List.of(new RecordingListener.LeftEvent("alpha", false)), betaEvents.left);

        alphaLink.discardAll(false);
        betaLink.discardAll(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> alpha.members().size() == 2 && beta.members().size() == 2);
        RecordingListener.ViewEvent alphaLast = alphaEvents.views.get(alphaEvents.views.size() - 1);
        RecordingListener.ViewEvent betaLast = betaEvents.views.get(betaEvents.views.size() - 1);
        assertTrue(alphaLast.merged(), "alpha's view after the heal is a merge: " + alphaEvents.views);
        assertTrue(betaLast.merged(), "beta's view after the heal is a merge: " + betaEvents.views);
        assertEquals(alphaLast.members(), betaLast.members());

        alpha.send(ControlMessage.of("after-merge"));
        await().atMost(SOON).until(() -> betaEvents.controls.size() == 1);
    }

    @Test
    void shouldTransferTheStateOfThePeer() throws IOException {
        byte[] table = new byte[100_000]; // larger than one fragment and one state chunk
        for (int i = 0; i < table.length; i++) {
            table[i] = (byte) (i * 31);
        }
        AtomicReference<byte[]> received = new AtomicReference<>();
        RecordingListener betaEvents = new RecordingListener();
        track(Membership.start(cluster.config("alpha", cluster.portA), new RecordingListener(), new StateExchange() {
            @Override
            public void writeState(OutputStream out) throws IOException {
                out.write(table);
            }

            @Override
            public void readState(InputStream in) {
                throw new AssertionError("alpha asked for nothing");
            }
        }));
        Membership beta = track(Membership.start(cluster.config("beta", cluster.portB), betaEvents, new StateExchange() {
            @Override
            public void writeState(OutputStream out) {
                throw new AssertionError("nobody asked beta");
            }

            @Override
            public void readState(InputStream in) throws IOException {
                ByteArrayOutputStream copy = new ByteArrayOutputStream();
                in.transferTo(copy);
                received.set(copy.toByteArray());
            }
        }));
        awaitView(betaEvents, List.of("alpha", "beta"));

        assertTrue(beta.requestState(Duration.ofSeconds(10)));

        assertTrue(java.util.Arrays.equals(table, received.get()));
    }

    @Test
    void shouldReportNoStateWhenThereIsNoPeer() throws IOException {
        Membership alpha = track(Membership.start(cluster.config("alpha", cluster.portA), new RecordingListener(),
                new StateExchange() {
                    @Override
                    public void writeState(OutputStream out) {
                    }

                    @Override
                    public void readState(InputStream in) {
                    }
                }));

        assertFalse(alpha.requestState(Duration.ofSeconds(1)));
    }

    @Test
    void shouldSealEverythingWithAnAuthenticatedCipher() {
        CountingSymEncrypt encrypt = new CountingSymEncrypt();
        List<Protocol> stack = MembershipStack.protocols(cluster.config("alpha", cluster.portA), encrypt);

        // SYM_ENCRYPT swaps the transformation for the key's algorithm when they differ; a plain
        // ChaCha20 would encrypt without authenticating.
        assertEquals("ChaCha20-Poly1305", encrypt.symAlgorithm());
        assertEquals("ChaCha20-Poly1305", encrypt.secretKey().getAlgorithm());
        assertTrue(stack.get(1) instanceof SYM_ENCRYPT, "encryption sits directly on the transport");
        assertEquals("SERIALIZE", stack.get(2).getName(), "everything above is serialized into the sealed payload");
    }

    @Test
    void shouldRefuseToStartOnAPortInUse() throws IOException {
        start("alpha", cluster.portA, new RecordingListener());

        IOException e = assertThrows(IOException.class,
                () -> Membership.start(cluster.config("beta", cluster.portA), new RecordingListener()));
        assertTrue(e.getMessage().contains("127.0.0.1:" + cluster.portA), e.getMessage());
    }

    @Test
    void shouldRefuseToSendTheReservedLeavingType() throws IOException {
        Membership alpha = start("alpha", cluster.portA, new RecordingListener());

        assertThrows(IllegalArgumentException.class, () -> alpha.send(ControlMessage.of(ControlMessage.LEAVING)));
    }
}
