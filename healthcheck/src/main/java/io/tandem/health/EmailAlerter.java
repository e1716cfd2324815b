package io.tandem.health;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.smtp.SMTPClient;
import org.apache.commons.net.smtp.SMTPReply;
import org.apache.commons.net.smtp.SimpleSMTPHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ldirectord's {@code emailalert=}: mails each up/down change of a real server to the
 * addresses of its check (comma-separated), through the SMTP server of director.cf's
 * {@code smtp=}, from {@code emailalertfrom=}. As a {@link HealthListener} it only queues the mail:
 * one thread of its own talks SMTP (Commons Net), so a slow mail server delays no check. A mail
 * that cannot be sent is logged and dropped.
 */
public final class EmailAlerter implements HealthListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmailAlerter.class);

    private final InetSocketAddress smtpServer;
    private final String from;
    private final int timeoutMillis;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tandem-health-mail");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param smtpServer where mail goes ({@code smtp=}, port 25 unless written)
     * @param from       envelope and header sender ({@code emailalertfrom=})
     * @param timeout    connect and read timeout of each SMTP exchange
     */
    public EmailAlerter(InetSocketAddress smtpServer, String from, Duration timeout) {
        this.smtpServer = smtpServer;
        this.from = from;
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
    }

    @Override
    public void onHealthChanged(CheckedServer server, boolean up, String reason) {
        String to = server.check().emailAlert();
        if (to == null || to.isBlank()) {
            return;
        }
        String state = up ? "up" : "down";
        String subject = "[tandem] real server " + server.realName() + " of " + server.virtualName() + " is " + state;
        String body = "Real server " + server.realName() + " of virtual service " + server.virtualName() + " is "
                + state + (up ? "." : server.quiescent() ? " (weight 0)." : " (removed).") + "\n"
                + "Check result: " + reason + "\n"
                + "Time: " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME) + "\n";
        send(List.of(to.split("\\s*,\\s*")), subject, body);
    }

    /** Queues one mail; the future completes when the SMTP server accepted it (or fails with why not). */
    public CompletableFuture<Void> send(List<String> to, String subject, String body) {
        return CompletableFuture.runAsync(() -> {
            try {
                deliver(to, subject, body);
            } catch (IOException e) {
                LOG.warn("email alert to {} not sent through {}: {}", to, smtpServer, e.getMessage());
                throw new java.io.UncheckedIOException(e);
            }
        }, sender);
    }

    private void deliver(List<String> to, String subject, String body) throws IOException {
        SMTPClient smtp = new SMTPClient("UTF-8");
        smtp.setConnectTimeout(timeoutMillis);
        smtp.setDefaultTimeout(timeoutMillis);
        try {
            smtp.connect(smtpServer.getHostString(), smtpServer.getPort());
            smtp.setSoTimeout(timeoutMillis);
            expect(smtp, SMTPReply.isPositiveCompletion(smtp.getReplyCode()), "greeting");
            expect(smtp, smtp.login(), "HELO");
            expect(smtp, smtp.setSender(from), "MAIL FROM:<" + from + ">");
            for (String rcpt : to) {
                expect(smtp, smtp.addRecipient(rcpt), "RCPT TO:<" + rcpt + ">");
            }
            SimpleSMTPHeader header = new SimpleSMTPHeader(from, to.get(0), subject);
            for (int i = 1; i < to.size(); i++) {
                header.addCC(to.get(i));
            }
            header.addHeaderField("Content-Type", "text/plain; charset=UTF-8");
            try (Writer w = smtp.sendMessageData()) {
                if (w == null) {
                    throw new IOException("DATA refused: " + smtp.getReplyString().strip());
                }
                w.write(header.toString());
                w.write(body);
            }
            expect(smtp, smtp.completePendingCommand(), "end of DATA");
            smtp.logout();
        } finally {
            if (smtp.isConnected()) {
                smtp.disconnect();
            }
        }
    }

    private static void expect(SMTPClient smtp, boolean ok, String step) throws IOException {
        if (!ok) {
            throw new IOException(step + " refused: " + smtp.getReplyString().strip());
        }
    }

    /** Sends what is queued (waiting 10 s at most), then stops. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sender.shutdownNow();
        }
    }
}
