package io.tandem.membership;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Cipher;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.util.FastArray;
import org.jgroups.util.MessageBatch;

/**
 * JGroups' {@link SYM_ENCRYPT}, but a message that fails to authenticate is dropped and counted
 * instead of logged (with a stack trace) one by one: a stranger knocking on the port must not
 * flood the log.
 *
 * <p>It sits directly on the transport with {@code SERIALIZE} above it, so every message leaves
 * as one AEAD-sealed payload (headers, addresses and body) and nothing reaches the protocols
 * above unless it was sealed with the cluster key. A message is rejected when it has no encrypt
 * header, no payload (every sealed message has one), a key version that is not ours (from a
 * non-member), or a payload whose Poly1305 tag does not verify.
 */
final class CountingSymEncrypt extends SYM_ENCRYPT {

    /** Protocol ids at or above 512 are free for applications; 1694 echoes the port. */
    static final short PROTOCOL_ID = 1694;

    static {
        if (ClassConfigurator.getProtocolId(CountingSymEncrypt.class) == 0) {
            ClassConfigurator.addProtocol(PROTOCOL_ID, CountingSymEncrypt.class);
        }
    }

    private final LongAdder rejected = new LongAdder();
    private volatile boolean stopping;

    CountingSymEncrypt() {
        setId(PROTOCOL_ID);
    }

    /** Messages dropped because they were not sealed with this cluster's key. */
    long rejected() {
        return rejected.sum();
    }

    @Override
    public Object up(Message msg) {
        Message plain = open(null, msg);
        if (plain == null) {
            rejected.increment();
            return null;
        }
        return up_prot.up(plain);
    }

    @Override
    public void up(MessageBatch batch) {
        BlockingQueue<Cipher> ciphers = decoding_ciphers;
        if (ciphers == null) {
            rejected.add(batch.size());
            return;
        }
        Cipher cipher;
        try {
            cipher = ciphers.take();
        } catch (InterruptedException e) {
            // Dropping is safe: this sits below NAKACK2/UNICAST3, which retransmit.
            Thread.currentThread().interrupt();
            return;
        }
        try {
            @SuppressWarnings("unchecked")
            FastArray<Message>.FastIterator it = (FastArray<Message>.FastIterator) batch.iterator();
            while (it.hasNext()) {
                Message plain = open(cipher, it.next());
                if (plain == null) {
                    rejected.increment();
                    it.remove();
                } else {
                    it.replace(plain);
                }
            }
        } finally {
            ciphers.offer(cipher);
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }

    @Override
    public void start() throws Exception {
        super.start();
        stopping = false;
    }

    @Override
    public Object down(Event evt) {
        if (evt.getType() == Event.DISCONNECT) {
            stopping = true;
        }
        return super.down(evt);
    }

    @Override
    public void stop() {
        stopping = true;
        super.stop();
    }

    /**
     * As the parent, but a send that fails while the channel closes (an interrupted sender, a
     * closed socket) is not worth a warning, and one that fails otherwise keeps its cause.
     */
    @Override
    public Object down(Message msg) {
        if (secret_key == null) {
            return null;
        }
        try {
            return down_prot.down(encrypt(msg));
        } catch (Exception e) {
            if (stopping) {
                log.debug("%s: message not sent while closing: %s", local_addr, e);
            } else {
                log.warn("%s: unable to send message down: %s", local_addr, e);
            }
            return null;
        }
    }

    /** The decrypted message, or null if it is not ours. */
    private Message open(Cipher cipher, Message msg) {
        if (secret_key == null || msg.getHeader(id) == null || !msg.hasArray() || msg.getLength() == 0) {
            return null;
        }
        try {
            // A copy: the sender keeps the original for retransmission (JGRP-538).
            return decrypt(cipher, msg.copy(true, true));
        } catch (Exception e) {
            return null;
        }
    }

    /** As the parent, without an error log per message from a non-member. */
    @Override
    protected boolean inView(Address sender, String errorMessage) {
        View current = view;
        return current == null || current.containsMember(sender);
    }
}
