package io.tandem.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the lab: sends a numbered datagram to {@code VIP:PORT} every
 * {@code INTERVAL_MS} and prints one line per answer, {@code MILLIS SEQ NAME}, where MILLIS counts
 * from the poller's start on a monotonic clock. Stops by itself after {@code MAX_SECONDS}.
 * Usage: {@code UdpPoller VIP PORT INTERVAL_MS MAX_SECONDS}.
 */
public final class UdpPoller {
    private UdpPoller() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
        long endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        long start = System.nanoTime();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(0));
            Thread receiver = new Thread(() -> receive(ch, start, out), "poller-receive");
            receiver.setDaemon(true);
            receiver.start();
            long next = System.nanoTime();
            for (long seq = 0; next - endNanos < 0; seq++) {
                ch.send(ByteBuffer.wrap(Long.toString(seq).getBytes(StandardCharsets.US_ASCII)), target);
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
    }

    private static void receive(DatagramChannel ch, long start, PrintStream out) {
        ByteBuffer in = ByteBuffer.allocate(512);
        try {
            while (true) {
                in.clear();
                ch.receive(in);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                in.flip();
                String text = StandardCharsets.UTF_8.decode(in).toString();
                int sp = text.indexOf(' ');
                out.println(millis + " " + (sp < 0 ? "?" : text.substring(sp + 1)) + " " + (sp < 0 ? text : text.substring(0, sp)));
            }
        } catch (IOException e) {
            // Channel closed: the poller is done.
        }
    }
}
