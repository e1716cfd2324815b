package io.tandem.health;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * {@code service=mysql} and {@code service=pgsql}. Without {@code login=} the check is the
 * protocol's opening: MySQL/MariaDB's initial handshake packet (protocol 10), or PostgreSQL's
 * answer to a StartupMessage (an authentication request, or an error that only says who may log
 * in). With {@code login=} it logs in through JDBC ({@code passwd=}, {@code database=}) and, with
 * {@code request=}, runs that query, which must return a row (whose first column must match
 * {@code receive=} when set), as ldirectord's check_mysql/check_pgsql. Blocking pool.
 */
final class DatabaseProbes {
    private static final int MAX_PACKET_BYTES = 64 * 1024;

    private DatabaseProbes() {
    }

    /**
     * MySQL's first packet, sent by the server on connect.
     *
     * <pre>
     *   +------------------+-----+----------------------------------------------+
     *   | length (3, LE)   | seq | payload: 0x0a version-string NUL ...          |
     *   +------------------+-----+   or 0xff errno(2, LE) [#sqlstate(5)] message  |
     * </pre>
     */
    static final class Mysql extends BlockingProbe {
        Mysql(Executor executor) {
            super(executor);
        }

        @Override
        protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
            CheckDefinition check = server.check();
            InetSocketAddress target = server.checkAddress();
            if (check.login() != null) {
                String url = "jdbc:mariadb://" + CheckedServer.hostPort(target.getAddress(), target.getPort()) + "/"
                        + (check.database() == null ? "" : check.database());
                Properties p = credentials(check);
                p.setProperty("connectTimeout", String.valueOf(timeoutMillis));
                p.setProperty("socketTimeout", String.valueOf(timeoutMillis));
                return query(url, p, check, timeoutMillis, resources);
            }
            Socket socket = resources.add(new Socket());
            socket.connect(target, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[4];
            in.readFully(header);
            int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
            if (length < 1 || length > MAX_PACKET_BYTES) {
                throw new CheckFailure("first packet of " + length + " bytes is not a MySQL handshake");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            if ((payload[0] & 0xFF) == 0xFF && length >= 3) {
                int errno = (payload[1] & 0xFF) | (payload[2] & 0xFF) << 8;
                String text = new String(payload, 3, length - 3, StandardCharsets.UTF_8);
                throw new CheckFailure("error " + errno + ": " + ProtocolText.excerpt(text));
            }
            if (payload[0] != 10) {
                throw new CheckFailure("handshake protocol " + (payload[0] & 0xFF) + ", expected 10");
            }
            int end = 1;
            while (end < length && payload[end] != 0) {
                end++;
            }
            return "handshake from " + new String(payload, 1, end - 1, StandardCharsets.UTF_8);
        }
    }

    /**
     * PostgreSQL's StartupMessage and the first message of the answer.
     *
     * <pre>
     *   StartupMessage: length(4) 196608(4: protocol 3.0) "user" NUL name NUL "database" NUL db NUL NUL
     *   answer:         type(1: 'R' authentication, 'E' error) length(4) body
     *   error body:     (field-type(1) text NUL)* NUL      S severity, C SQLSTATE, M message
     * </pre>
     */
    static final class Pgsql extends BlockingProbe {
        Pgsql(Executor executor) {
            super(executor);
        }

        @Override
        protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
            CheckDefinition check = server.check();
            InetSocketAddress target = server.checkAddress();
            if (check.login() != null) {
                String url = "jdbc:postgresql://" + CheckedServer.hostPort(target.getAddress(), target.getPort()) + "/"
                        + (check.database() == null ? "" : check.database());
                Properties p = credentials(check);
                int seconds = Math.max(1, (timeoutMillis + 999) / 1000);
                p.setProperty("connectTimeout", String.valueOf(seconds));
                p.setProperty("socketTimeout", String.valueOf(seconds));
                p.setProperty("loginTimeout", String.valueOf(seconds));
                p.setProperty("ApplicationName", "tandem-healthcheck");
                return query(url, p, check, timeoutMillis, resources);
            }
            Socket socket = resources.add(new Socket());
            socket.connect(target, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(startup("tandem-healthcheck", check.database() == null ? "postgres" : check.database()));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int type = in.read();
            if (type < 0) {
                throw new CheckFailure("closed without answering the startup message");
            }
            int length = in.readInt();
            if (length < 4 || length > MAX_PACKET_BYTES) {
                throw new CheckFailure("answer '" + (char) type + "' of " + length + " bytes is not PostgreSQL");
            }
            byte[] body = new byte[length - 4];
            in.readFully(body);
            if (type == 'R') {
                return "authentication requested";
            }
            if (type != 'E') {
                throw new CheckFailure("answer '" + (char) type + "' to the startup message, expected 'R' or 'E'");
            }
            String code = field(body, 'C');
            String message = field(body, 'M');
            if (code.startsWith("28") || code.equals("3D000")) {
                return "answers (" + code + " " + message + ")";
            }
            throw new CheckFailure("error " + code + ": " + message);
        }

        static byte[] startup(String user, String database) {
            byte[] params = ("user\0" + user + "\0database\0" + database + "\0\0").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + params.length);
            b.putInt(8 + params.length).putInt(196608).put(params);
            return b.array();
        }

        private static String field(byte[] body, char type) {
            int i = 0;
            while (i < body.length && body[i] != 0) {
                int start = i + 1;
                int end = start;
                while (end < body.length && body[end] != 0) {
                    end++;
                }
                if (body[i] == type) {
                    return new String(body, start, end - start, StandardCharsets.UTF_8);
                }
                i = end + 1;
            }
            return "";
        }
    }

    private static Properties credentials(CheckDefinition check) {
        Properties p = new Properties();
        p.setProperty("user", check.login());
        p.setProperty("password", check.passwd() == null ? "" : check.passwd());
        return p;
    }

    private static String query(String url, Properties p, CheckDefinition check, int timeoutMillis,
            BlockingProbe.Resources resources)
            throws Exception {
        Connection c;
        try {
            c = DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw new CheckFailure("login as " + check.login() + " failed: " + firstLine(e));
        }
        resources.add(c);
        String result = "logged in as " + check.login();
        if (check.request() == null || check.request().isEmpty()) {
            return result;
        }
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(Math.max(1, (timeoutMillis + 999) / 1000));
            try (ResultSet rs = st.executeQuery(check.request())) {
                if (!rs.next()) {
                    throw new CheckFailure("query returned no row: " + check.request());
                }
                String first = rs.getString(1);
                if (check.receive() != null && !check.receive().isEmpty()
                        && (first == null || !Pattern.compile(check.receive()).matcher(first).find())) {
                    throw new CheckFailure("query returned \"" + first + "\", expected receive=\"" + check.receive() + "\"");
                }
                return result + ", query returned \"" + first + "\"";
            }
        } catch (SQLException e) {
            throw new CheckFailure("query failed: " + firstLine(e));
        }
    }

    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
