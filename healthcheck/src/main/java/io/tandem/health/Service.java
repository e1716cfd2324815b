package io.tandem.health;

import java.util.Locale;

/** ldirectord's {@code service=}: the protocol a negotiate check speaks, with its default port. */
public enum Service {
    HTTP(80, false), HTTPS(443, false), FTP(21, false), SMTP(25, false), POP(110, false), POPS(995, false),
    IMAP(143, false), IMAPS(993, false), NNTP(119, false), LDAP(389, false), DNS(53, true), MYSQL(3306, false),
    PGSQL(5432, false), RADIUS(1812, true), SIP(5060, true), SIMPLETCP(0, false), NONE(0, false);

    private final int defaultPort;
    private final boolean datagram;

    Service(int defaultPort, boolean datagram) {
        this.defaultPort = defaultPort;
        this.datagram = datagram;
    }

    /** The well-known port, or 0 when the service has none. */
    public int defaultPort() {
        return defaultPort;
    }

    /** Whether the negotiate check is a UDP exchange. */
    public boolean datagram() {
        return datagram;
    }

    /** The name as written in director.cf ({@code pgsql}, {@code simpletcp}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The service named {@code name} in director.cf, or null if there is none. */
    public static Service fromConfig(String name) {
        for (Service s : values()) {
            if (s.configName().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** ldirectord's guess when {@code service=} is absent: the one whose default port is {@code port}. */
    public static Service forPort(int port) {
        for (Service s : values()) {
            if (s.defaultPort != 0 && s.defaultPort == port) {
                return s;
            }
        }
        return NONE;
    }
}
