package io.tandem.director;

/**
 * The negative answers of {@link ForwardingEngine}; a result of 0 or more is a real server id
 * (client packets) or a connection (replies).
 */
public final class Verdict {
    /** No virtual service (or NAT connection) matches: not the engine's packet, leave it alone. */
    public static final int NOT_OURS = -1;
    /** The service has no server of weight above zero and no fallback: drop (count it). */
    public static final int NO_SERVER = -2;
    /** The connection table is full: drop (count it), as IPVS does. */
    public static final int TABLE_FULL = -3;

    private Verdict() {
    }

    /** Name of a verdict, for logs and tests. */
    public static String name(int verdict) {
        return switch (verdict) {
            case NOT_OURS -> "NOT_OURS";
            case NO_SERVER -> "NO_SERVER";
            case TABLE_FULL -> "TABLE_FULL";
            default -> verdict >= 0 ? "FORWARD(" + verdict + ")" : "?" + verdict;
        };
    }
}
