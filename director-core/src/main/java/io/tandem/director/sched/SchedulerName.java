package io.tandem.director.sched;

import java.util.Locale;

/** The IPVS schedulers Tandem implements, by the names {@code ipvsadm -s} and ldirectord use. */
public enum SchedulerName {
    /** Round robin. */
    RR,
    /** Weighted round robin, interleaved by the gcd of the weights. */
    WRR,
    /** Least connections. */
    LC,
    /** Weighted least connections (ldirectord's default). */
    WLC,
    /** Source hashing. */
    SH,
    /** Destination hashing. */
    DH,
    /** Shortest expected delay. */
    SED,
    /** Never queue. */
    NQ,
    /** Maglev hashing. */
    MH;

    /** The lower-case name, as in {@code scheduler=wlc}. */
    public String ipvsName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scheduler called {@code text} (case-insensitive), or an exception naming the known ones. */
    public static SchedulerName parse(String text) {
        for (SchedulerName n : values()) {
            if (n.ipvsName().equalsIgnoreCase(text)) {
                return n;
            }
        }
        throw new IllegalArgumentException("scheduler=" + text
                + " is not one of rr, wrr, lc, wlc, sh, dh, sed, nq, mh");
    }
}
