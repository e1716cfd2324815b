package io.tandem.health;

import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import javax.net.ssl.TrustManager;
import org.apache.commons.net.SocketClient;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.imap.IMAPClient;
import org.apache.commons.net.imap.IMAPSClient;
import org.apache.commons.net.nntp.NNTPClient;
import org.apache.commons.net.nntp.NNTPReply;
import org.apache.commons.net.nntp.NewsgroupInfo;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3SClient;
import org.apache.commons.net.smtp.SMTPClient;
import org.apache.commons.net.smtp.SMTPReply;
import org.apache.commons.net.util.TrustManagerUtils;

/**
 * The negotiate checks of the line protocols, with Apache Commons Net, as ldirectord's
 * check_ftp, check_smtp, check_pop, check_imap and check_nntp:
 *
 * <ul>
 *   <li>FTP: a 2xx greeting, then a login ({@code login}/{@code passwd}, else anonymous) that
 *       must succeed; with {@code request=} that file is fetched and must match {@code receive=};</li>
 *   <li>SMTP: a 220 greeting and a 250 answer to HELO;</li>
 *   <li>POP3 / POP3S (TLS from the first byte): a +OK greeting; with {@code login=} a login that
 *       must succeed;</li>
 *   <li>IMAP / IMAPS: an OK greeting; with {@code login=} a login that must succeed;</li>
 *   <li>NNTP: a 200 or 201 greeting; with {@code request=} the newsgroup must exist.</li>
 * </ul>
 * Every exchange ends with the protocol's QUIT/LOGOUT. Runs on the blocking pool.
 */
final class MailProbes {
    private MailProbes() {
    }

    private static void prepare(SocketClient client, int timeoutMillis, BlockingProbe.Resources resources) {
        client.setConnectTimeout(timeoutMillis);
        client.setDefaultTimeout(timeoutMillis);
        resources.add(client::disconnect);
    }

    private static TrustManager trust(CheckDefinition check) {
        return check.verifyTls() ? TrustManagerUtils.getValidateServerCertificateTrustManager()
                : TrustManagerUtils.getAcceptAllTrustManager();
    }

    private static String reply(String text) {
        return ProtocolText.excerpt(text);
    }

    /** {@code service=ftp}. */
    static final class Ftp extends BlockingProbe {
        Ftp(Executor executor) {
            super(executor);
        }

        @Override
        protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
            CheckDefinition check = server.check();
            InetSocketAddress target = server.checkAddress();
            FTPClient ftp = new FTPClient();
            prepare(ftp, timeoutMillis, resources);
            ftp.setDataTimeout(java.time.Duration.ofMillis(timeoutMillis));
            ftp.connect(target.getAddress(), target.getPort());
            if (!FTPReply.isPositiveCompletion(ftp.getReplyCode())) {
                throw new CheckFailure("greeting " + reply(ftp.getReplyString()));
            }
            ftp.setSoTimeout(timeoutMillis);
            String user = check.login() != null ? check.login() : "anonymous";
            String pass = check.passwd() != null ? check.passwd() : "tandem@localhost";
            if (!ftp.login(user, pass)) {
                throw new CheckFailure("login as " + user + " refused: " + reply(ftp.getReplyString()));
            }
            String result = "logged in as " + user;
            if (check.request() != null && !check.request().isEmpty()) {
                ftp.enterLocalPassiveMode();
                java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
                if (!ftp.retrieveFile(check.request(), file)) {
                    throw new CheckFailure("RETR " + check.request() + " failed: " + reply(ftp.getReplyString()));
                }
                String content = file.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
                if (check.receive() != null && !java.util.regex.Pattern.compile(check.receive()).matcher(content).find()) {
                    throw new CheckFailure(check.request() + " does not match receive=\"" + check.receive() + "\"");
                }
                result += ", fetched " + check.request();
            }
            ftp.logout();
            return result;
        }
    }

    /** {@code service=smtp}. */
    static final class Smtp extends BlockingProbe {
        Smtp(Executor executor) {
            super(executor);
        }

        @Override
        protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
            InetSocketAddress target = server.checkAddress();
            SMTPClient smtp = new SMTPClient();
            prepare(smtp, timeoutMillis, resources);
            smtp.connect(target.getAddress(), target.getPort());
            smtp.setSoTimeout(timeoutMillis);
            if (smtp.getReplyCode() != SMTPReply.SERVICE_READY) {
                throw new CheckFailure("greeting " + reply(smtp.getReplyString()) + ", expected 220");
            }
            if (!SMTPReply.isPositiveCompletion(smtp.helo("tandem-healthcheck"))) {
                throw new CheckFailure("HELO answered " + reply(smtp.getReplyString()));
            }
            smtp.quit();
            return "220 greeting, HELO accepted";
        }
    }

    /** {@code service=pop} and {@code service=pops}. */
    static final class Pop extends BlockingProbe {
        private final boolean tls;

        Pop(Executor executor, boolean tls) {
            super(executor);
            this.tls = tls;
        }

        @Override
        protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
            CheckDefinition check = server.check();
            InetSocketAddress target = server.checkAddress();
            POP3Client pop;
            if (tls) {
                POP3SClient s = new POP3SClient(true);
                s.setTrustManager(trust(check));
                pop = s;
            } else {
                pop = new POP3Client();
            }
            prepare(pop, timeoutMillis, resources);
            pop.connect(target.getAddress(), target.getPort());
            pop.setSoTimeout(timeoutMillis);
            if (!pop.getReplyString().startsWith("+OK")) {
                throw new CheckFailure("greeting " + reply(pop.getReplyString()) + ", expected +OK");
            }
            String result = "+OK greeting";
            if (check.login() != null) {
                if (!pop.login(check.login(), check.passwd() == null ? "" : check.passwd())) {
                    throw new CheckFailure("login as " + check.login() + " refused: " + reply(pop.getReplyString()));
                }
                result += ", logged in as " + check.login();
            }
            pop.logout();
            return result;
        }
    }

    /** {@code service=imap} and {@code service=imaps}. */
    static final class Imap extends BlockingProbe {
        private final boolean tls;

        Imap(Executor executor, boolean tls) {
            super(executor);
            this.tls = tls;
        }

        @Override
        protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
            CheckDefinition check = server.check();
            InetSocketAddress target = server.checkAddress();
            IMAPClient imap;
            if (tls) {
                IMAPSClient s = new IMAPSClient(true);
                s.setTrustManager(trust(check));
                imap = s;
            } else {
                imap = new IMAPClient();
            }
            prepare(imap, timeoutMillis, resources);
            imap.connect(target.getAddress(), target.getPort());
            imap.setSoTimeout(timeoutMillis);
            String greeting = imap.getReplyString();
            if (!greeting.startsWith("* OK") && !greeting.startsWith("* PREAUTH")) {
                throw new CheckFailure("greeting " + reply(greeting) + ", expected * OK");
            }
            String result = "OK greeting";
            if (check.login() != null) {
                if (!imap.login(check.login(), check.passwd() == null ? "" : check.passwd())) {
                    throw new CheckFailure("login as " + check.login() + " refused: " + reply(imap.getReplyString()));
                }
                result += ", logged in as " + check.login();
            }
            imap.logout();
            return result;
        }
    }

    /** {@code service=nntp}. */
    static final class Nntp extends BlockingProbe {
        Nntp(Executor executor) {
            super(executor);
        }

        @Override
        protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
            CheckDefinition check = server.check();
            InetSocketAddress target = server.checkAddress();
            NNTPClient nntp = new NNTPClient();
            prepare(nntp, timeoutMillis, resources);
            nntp.connect(target.getAddress(), target.getPort());
            nntp.setSoTimeout(timeoutMillis);
            int code = nntp.getReplyCode();
            if (code != NNTPReply.SERVER_READY_POSTING_ALLOWED && code != NNTPReply.SERVER_READY_POSTING_NOT_ALLOWED) {
                throw new CheckFailure("greeting " + reply(nntp.getReplyString()) + ", expected 200 or 201");
            }
            String result = code + " greeting";
            if (check.request() != null && !check.request().isEmpty()) {
                if (!nntp.selectNewsgroup(check.request(), new NewsgroupInfo())) {
                    throw new CheckFailure("GROUP " + check.request() + " answered " + reply(nntp.getReplyString()));
                }
                result += ", group " + check.request() + " exists";
            }
            nntp.logout();
            return result;
        }
    }
}
