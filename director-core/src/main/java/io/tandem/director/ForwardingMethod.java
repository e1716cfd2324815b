package io.tandem.director;

/** How the director hands a client's packets to a real server (ldirectord's names in brackets). */
public enum ForwardingMethod {
    /**
     * Direct routing ({@code gate}): the destination MAC becomes the real server's, on the same
     * link; the real server holds the VIP on a non-ARPing interface and answers the client itself.
     */
    DIRECT_ROUTING("gate"),
    /** NAT ({@code masq}): destination rewritten to the real server; replies come back through us. */
    NAT("masq"),
    /** IP-in-IP tunnel ({@code ipip}): encapsulated to the real server, which answers directly. */
    TUNNEL("ipip");

    private final String ldirectordName;

    ForwardingMethod(String ldirectordName) {
        this.ldirectordName = ldirectordName;
    }

    /** {@code gate}, {@code masq} or {@code ipip}. */
    public String ldirectordName() {
        return ldirectordName;
    }

    /** The method ldirectord calls {@code name}, or an exception naming the known ones. */
    public static ForwardingMethod ofLdirectordName(String name) {
        for (ForwardingMethod m : values()) {
            if (m.ldirectordName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("forwarding method=" + name + " is not one of gate, masq, ipip");
    }
}
