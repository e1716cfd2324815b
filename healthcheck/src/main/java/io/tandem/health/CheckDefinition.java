package io.tandem.health;

import java.time.Duration;
import java.util.Objects;

/**
 * How one real server is checked, with every default already applied: what a check does, how
 * long it may take, how often it runs and how many results flip the server.
 *
 * @param type             what each check does
 * @param negotiateEvery   for {@link CheckType#NEGOTIATE_EVERY_NTH}: N (every Nth check negotiates); else 0
 * @param service          the protocol of a negotiate check
 * @param request          service-specific request (HTTP path, DNS name, SQL query, ...), or null
 * @param receive          service-specific expected answer (a regular expression for HTTP), or null
 * @param virtualhost      HTTP Host header, or null for the server's address
 * @param checkPort        port to check, or 0 for the real server's port
 * @param connectTimeout   hard timeout of connect, ping and external checks ({@code connecttimeout}, else {@code checktimeout})
 * @param negotiateTimeout hard timeout of negotiate checks ({@code negotiatetimeout})
 * @param interval         time from the start of one check to the start of the next
 * @param rise             consecutive successes that bring a down server up
 * @param fall             consecutive failures that take an up server down
 * @param expectedStatus   HTTP status a check must see; 0 means any 2xx
 * @param verifyTls        whether TLS checks verify the server's certificate (off, as ldirectord)
 * @param httpMethod       {@code GET} or {@code HEAD}
 * @param login            user for protocols that log in, or null to not log in
 * @param passwd           password for {@code login}, or null
 * @param database         database for MySQL/PostgreSQL logins, or null
 * @param secret           RADIUS shared secret, or null
 * @param checkCommand     command of an external check, or null
 * @param emailAlert       where state changes are mailed, or null
 */
public record CheckDefinition(CheckType type, int negotiateEvery, Service service, String request, String receive,
        String virtualhost, int checkPort, Duration connectTimeout, Duration negotiateTimeout, Duration interval,
        int rise, int fall, int expectedStatus, boolean verifyTls, String httpMethod, String login, String passwd,
        String database, String secret, String checkCommand, String emailAlert) {

    public CheckDefinition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(service, "service");
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("negotiateTimeout", negotiateTimeout);
        requirePositive("interval", interval);
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise=" + rise + " and fall=" + fall + " must be >= 1");
        }
        if ((type == CheckType.NEGOTIATE_EVERY_NTH) != (negotiateEvery >= 1)) {
            throw new IllegalArgumentException("negotiateEvery=" + negotiateEvery + " does not fit checktype " + type);
        }
        if (checkPort < 0 || checkPort > 65535) {
            throw new IllegalArgumentException("checkPort=" + checkPort + " must be 0..65535");
        }
        httpMethod = httpMethod == null ? "GET" : httpMethod;
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + "=" + d + " must be > 0");
        }
    }

    /** A builder starting from ldirectord's defaults (5 s checktimeout, 30 s negotiatetimeout, 10 s interval). */
    public static Builder builder(CheckType type, Service service) {
        return new Builder(type, service);
    }

    /** A builder holding this definition's values. */
    public Builder toBuilder() {
        Builder b = new Builder(type, service);
        b.negotiateEvery = negotiateEvery;
        b.request = request;
        b.receive = receive;
        b.virtualhost = virtualhost;
        b.checkPort = checkPort;
        b.connectTimeout = connectTimeout;
        b.negotiateTimeout = negotiateTimeout;
        b.interval = interval;
        b.rise = rise;
        b.fall = fall;
        b.expectedStatus = expectedStatus;
        b.verifyTls = verifyTls;
        b.httpMethod = httpMethod;
        b.login = login;
        b.passwd = passwd;
        b.database = database;
        b.secret = secret;
        b.checkCommand = checkCommand;
        b.emailAlert = emailAlert;
        return b;
    }

    /** Builds a {@link CheckDefinition}; unset values are ldirectord's defaults. */
    public static final class Builder {
        private final CheckType type;
        private final Service service;
        private int negotiateEvery;
        private String request;
        private String receive;
        private String virtualhost;
        private int checkPort;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration negotiateTimeout = Duration.ofSeconds(30);
        private Duration interval = Duration.ofSeconds(10);
        private int rise = 1;
        private int fall = 1;
        private int expectedStatus;
        private boolean verifyTls;
        private String httpMethod = "GET";
        private String login;
        private String passwd;
        private String database;
        private String secret;
        private String checkCommand;
        private String emailAlert;

        private Builder(CheckType type, Service service) {
            this.type = type;
            this.service = service;
        }

        public Builder negotiateEvery(int n) { this.negotiateEvery = n; return this; }
        public Builder request(String v) { this.request = v; return this; }
        public Builder receive(String v) { this.receive = v; return this; }
        public Builder virtualhost(String v) { this.virtualhost = v; return this; }
        public Builder checkPort(int v) { this.checkPort = v; return this; }
        public Builder connectTimeout(Duration v) { this.connectTimeout = v; return this; }
        public Builder negotiateTimeout(Duration v) { this.negotiateTimeout = v; return this; }
        /** Sets both timeouts. */
        public Builder timeout(Duration v) { this.connectTimeout = v; this.negotiateTimeout = v; return this; }
        public Builder interval(Duration v) { this.interval = v; return this; }
        public Builder rise(int v) { this.rise = v; return this; }
        public Builder fall(int v) { this.fall = v; return this; }
        public Builder expectedStatus(int v) { this.expectedStatus = v; return this; }
        public Builder verifyTls(boolean v) { this.verifyTls = v; return this; }
        public Builder httpMethod(String v) { this.httpMethod = v; return this; }
        public Builder login(String v) { this.login = v; return this; }
        public Builder passwd(String v) { this.passwd = v; return this; }
        public Builder database(String v) { this.database = v; return this; }
        public Builder secret(String v) { this.secret = v; return this; }
        public Builder checkCommand(String v) { this.checkCommand = v; return this; }
        public Builder emailAlert(String v) { this.emailAlert = v; return this; }

        public CheckDefinition build() {
            return new CheckDefinition(type, negotiateEvery, service, request, receive, virtualhost, checkPort,
                    connectTimeout, negotiateTimeout, interval, rise, fall, expectedStatus, verifyTls, httpMethod,
                    login, passwd, database, secret, checkCommand, emailAlert);
        }
    }
}
