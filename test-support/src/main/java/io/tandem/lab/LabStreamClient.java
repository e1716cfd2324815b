package io.tandem.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Long-lived TCP connections through the VIP, each sending a line every {@code INTERVAL_MS} and
 * checking that exactly that line comes back (the real servers echo on
 * {@link LabHttpServer#ECHO_PORT}): what an established connection feels during a failover.
 * Usage: {@code LabStreamClient VIP PORT CONNECTIONS SECONDS INTERVAL_MS}.
 *
 * <pre>
 *  line:   "CONN SEQ\n"; the echo must be the same line, in order
 *  stall:  the longest time, over all connections, between two echoes (or from the first send)
 *  error:  a reset, an end of stream, a wrong echo, or a connection that never opened
 * </pre>
 *
 * Prints {@code STARTED} when every connection is open, then one final line:
 * {@code RESULT connections=N echoes=E errors=K maxStallMs=S maxStallEndedAtMs=T stallsOver500Ms=L
 * firstError=...} (T counts from STARTED). Bounded by
 * {@code SECONDS}; one selector thread.
 */
public final class LabStreamClient {
    private LabStreamClient() {
    }

    private static final class Conn {
        final int id;
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(4096);
        /** Bytes the socket did not take yet (its send buffer was full): sent before anything new. */
        final ByteBuffer pending = ByteBuffer.allocate(4096).flip();
        long sent;
        long echoed;
        long lastEchoNs;
        long nextSendNs;
        String error;

        Conn(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
        }
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        long intervalNs = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[4]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        List<Conn> conns = new ArrayList<>();
        long maxStallNs = 0;
        long maxStallEndNs = 0;
        long startNs = 0;
        int longStalls = 0;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < count; i++) {
                SocketChannel c = SocketChannel.open();
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                try {
                    c.socket().connect(target, 5_000);
                } catch (IOException e) {
                    out.println("RESULT connections=" + i + " echoes=0 errors=1 maxStallMs=0 firstError=connect "
                            + i + ": " + e);
                    return;
                }
                c.configureBlocking(false);
                Conn conn = new Conn(i, c);
                c.register(selector, SelectionKey.OP_READ, conn);
                conns.add(conn);
            }
            startNs = System.nanoTime();
            // The clock of every connection starts now, not at its connect: opening 500 takes a while.
            for (Conn conn : conns) {
                conn.lastEchoNs = startNs;
                conn.nextSendNs = startNs + (intervalNs * conn.id) / count;
            }
            out.println("STARTED");
            while (System.nanoTime() - endNs < 0) {
                selector.select(1);
                long now = System.nanoTime();
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    Conn conn = (Conn) key.attachment();
                    long stall = read(conn, now);
                    if (stall > 500_000_000L) {
                        longStalls++;
                    }
                    if (stall > maxStallNs) {
                        maxStallNs = stall;
                        maxStallEndNs = now;
                    }
                    if (conn.error != null) {
                        key.cancel();
                    }
                }
                for (Conn conn : conns) {
                    if (conn.error == null && conn.pending.hasRemaining()) {
                        try {
                            conn.channel.write(conn.pending);
                        } catch (IOException e) {
                            conn.error = "send: " + e;
                        }
                    }
                    if (conn.error == null && now - conn.nextSendNs >= 0) {
                        send(conn);
                        conn.nextSendNs += intervalNs;
                    }
                    if (conn.error == null && conn.sent > conn.echoed && now - conn.lastEchoNs > maxStallNs) {
                        maxStallNs = now - conn.lastEchoNs;
                        maxStallEndNs = now;
                    }
                }
            }
        }
        long echoes = 0;
        int errors = 0;
        String first = "";
        for (Conn conn : conns) {
            echoes += conn.echoed;
            if (conn.error != null) {
                if (errors++ == 0) {
                    first = "conn " + conn.id + ": " + conn.error;
                }
            }
            try {
                conn.channel.close();
            } catch (IOException e) {
                // Closing at the end: the result is already decided.
            }
        }
        out.println("RESULT connections=" + conns.size() + " echoes=" + echoes + " errors=" + errors + " maxStallMs="
                + TimeUnit.NANOSECONDS.toMillis(maxStallNs) + " maxStallEndedAtMs=" + TimeUnit.NANOSECONDS.toMillis(
                maxStallEndNs - startNs) + " stallsOver500Ms=" + longStalls + " firstError=" + first);
    }

    private static void send(Conn conn) {
        byte[] line = (conn.id + " " + conn.sent + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer p = conn.pending;
        p.compact();
        if (p.remaining() < line.length) {
            p.flip();
            conn.error = "over 4 KB unsent after " + conn.sent + " lines";
            return;
        }
        p.put(line).flip();
        conn.sent++;
        try {
            conn.channel.write(p);
        } catch (IOException e) {
            conn.error = "send: " + e;
        }
    }

    /** Reads what arrived, checks each complete line; the stall this echo ended (0 if none). */
    private static long read(Conn conn, long now) {
        long stall = 0;
        try {
            int n = conn.channel.read(conn.in);
            if (n < 0) {
                conn.error = "end of stream after " + conn.echoed + " echoes";
                return 0;
            }
        } catch (IOException e) {
            conn.error = "read: " + e;
            return 0;
        }
        conn.in.flip();
        int start = conn.in.position();
        for (int i = start; i < conn.in.limit(); i++) {
            if (conn.in.get(i) == '\n') {
                String line = new String(conn.in.array(), start, i - start, StandardCharsets.US_ASCII);
                String expected = conn.id + " " + conn.echoed;
                if (!line.equals(expected)) {
                    conn.error = "echo '" + line + "', expected '" + expected + "'";
                    return 0;
                }
                conn.echoed++;
                stall = Math.max(stall, now - conn.lastEchoNs);
                conn.lastEchoNs = now;
                start = i + 1;
            }
        }
        conn.in.position(start);
        conn.in.compact();
        return stall;
    }
}
