package io.tandem.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Alerts delivered to GreenMail's SMTP server. */
class EmailAlerterTest {
    @Test
    void shouldMailEachChangeToTheCheckAddresses() throws Exception {
        GreenMail mail = new GreenMail(ServerSetup.SMTP.createCopy("127.0.0.1").dynamicPort());
        mail.start();
        try (EmailAlerter alerter = new EmailAlerter(new InetSocketAddress(Servers.LOOPBACK, mail.getSmtp().getPort()),
                "tandem@director.example.test", Duration.ofSeconds(5))) {
            CheckedServer server = Servers.at(8080, CheckDefinition.builder(CheckType.NEGOTIATE, Service.HTTP)
                    .emailAlert("ops@example.test, oncall@example.test").build());
            alerter.onHealthChanged(server, false, "http 127.0.0.1:8080: HTTP 503, expected 2xx");
            await().atMost(Duration.ofSeconds(10)).until(() -> mail.getReceivedMessages().length == 2);
            MimeMessage m = mail.getReceivedMessages()[0];
            assertEquals("[tandem] real server 127.0.0.1:8080 of 127.0.0.1:80/tcp is down", m.getSubject());
            String body = GreenMailUtil.getBody(m);
            assertTrue(body.contains("is down (weight 0)."), body);
            assertTrue(body.contains("Check result: http 127.0.0.1:8080: HTTP 503, expected 2xx"), body);
            assertEquals("tandem@director.example.test", m.getFrom()[0].toString());
            assertEquals("ops@example.test", m.getHeader("To")[0]);
            assertEquals("oncall@example.test", m.getHeader("Cc")[0]);
        } finally {
            mail.stop();
        }
    }

    @Test
    void shouldSendNothingWithoutEmailalertAndReportAnUnreachableServer() throws Exception {
        int port = Servers.closedPort();
        try (EmailAlerter alerter = new EmailAlerter(new InetSocketAddress(Servers.LOOPBACK, port), "tandem@example.test",
                Duration.ofSeconds(2))) {
            alerter.onHealthChanged(Servers.at(80, CheckDefinition.builder(CheckType.CONNECT, Service.NONE).build()),
                    true, "connected");
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> alerter.send(List.of("ops@example.test"), "s", "b").get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("Connection refused"), e.getCause().getMessage());
        }
    }
}
