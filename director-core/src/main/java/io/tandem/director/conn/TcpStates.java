package io.tandem.director.conn;

/**
 * IPVS's TCP connection states and the table that moves between them (the kernel's
 * {@code tcp_states} in {@code ip_vs_proto_tcp.c}, default, not the {@code secure_tcp} one).
 *
 * <p>The director sees a connection from the middle, so the states are its estimate, driven by
 * the flags of the packets it forwards. The event is the first of RST, SYN, FIN, ACK that the
 * packet carries (a packet with none of them moves the connection to CLOSE). The direction is
 * {@link #INPUT} for client packets, {@link #OUTPUT} for server replies (seen only with NAT),
 * and {@link #INPUT_ONLY} for client packets of a connection whose replies have never been
 * seen (DR and TUN, where the real server answers the client directly).
 *
 * <pre>
 *  state now:      NONE  ESTAB SYN_S SYN_R FIN_W TIME_ CLOSE CL_WT L_ACK LISTN SYNAC
 *  INPUT      syn  SYN_R ESTAB ESTAB SYN_R SYN_R SYN_R SYN_R SYN_R SYN_R SYN_R SYN_R
 *             fin  CLOSE CL_WT SYN_S TIME_ TIME_ TIME_ CLOSE CL_WT L_ACK LISTN TIME_
 *             ack  CLOSE ESTAB SYN_S ESTAB FIN_W TIME_ CLOSE CL_WT CLOSE LISTN ESTAB
 *             rst  CLOSE CLOSE CLOSE SYN_R CLOSE CLOSE CLOSE CLOSE L_ACK LISTN SYN_R
 *  OUTPUT     syn  SYN_S ESTAB SYN_S SYN_R SYN_S SYN_S SYN_S SYN_S SYN_S LISTN SYN_R
 *             fin  TIME_ FIN_W SYN_S TIME_ FIN_W TIME_ CLOSE TIME_ L_ACK LISTN TIME_
 *             ack  ESTAB ESTAB SYN_S ESTAB FIN_W TIME_ CLOSE CL_WT L_ACK ESTAB ESTAB
 *             rst  CLOSE CLOSE SYN_S CLOSE CLOSE TIME_ CLOSE CLOSE CLOSE CLOSE CLOSE
 *  INPUT_ONLY syn  SYN_R ESTAB ESTAB SYN_R SYN_R SYN_R SYN_R SYN_R SYN_R SYN_R SYN_R
 *             fin  CLOSE FIN_W SYN_S TIME_ FIN_W TIME_ CLOSE CL_WT L_ACK LISTN TIME_
 *             ack  CLOSE ESTAB SYN_S ESTAB FIN_W TIME_ CLOSE CL_WT CLOSE LISTN ESTAB
 *             rst  CLOSE CLOSE CLOSE SYN_R CLOSE CLOSE CLOSE CLOSE L_ACK LISTN CLOSE
 * </pre>
 *
 * UDP connections have a single state, {@link #UDP_NORMAL}.
 */
public final class TcpStates {
    public static final int NONE = 0;
    public static final int ESTABLISHED = 1;
    public static final int SYN_SENT = 2;
    public static final int SYN_RECV = 3;
    public static final int FIN_WAIT = 4;
    public static final int TIME_WAIT = 5;
    public static final int CLOSE = 6;
    public static final int CLOSE_WAIT = 7;
    public static final int LAST_ACK = 8;
    public static final int LISTEN = 9;
    public static final int SYNACK = 10;
    /** Number of TCP states. */
    public static final int COUNT = 11;

    /** The one state of a UDP connection (same value as NONE; the protocol tells them apart). */
    public static final int UDP_NORMAL = 0;

    /** Client to director. */
    public static final int INPUT = 0;
    /** Real server to director (NAT replies). */
    public static final int OUTPUT = 1;
    /** Client to director, on a connection whose replies bypass the director (DR, TUN). */
    public static final int INPUT_ONLY = 2;

    /** TCP header flag bits, as in byte 13 of the header. */
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private static final String[] NAMES = {
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
        "LAST_ACK", "LISTEN", "SYNACK",
    };

    private static final int EVENT_SYN = 0;
    private static final int EVENT_FIN = 1;
    private static final int EVENT_ACK = 2;
    private static final int EVENT_RST = 3;
    private static final int EVENTS = 4;

    /** [direction * EVENTS + event][state] = next state, as in the class comment. */
    private static final byte[][] NEXT = new byte[3 * EVENTS][];

    static {
        String[][] rows = {
            // INPUT
            {"SR ES ES SR SR SR SR SR SR SR SR", "CL CW SS TW TW TW CL CW LA LI TW",
             "CL ES SS ES FW TW CL CW CL LI ES", "CL CL CL SR CL CL CL CL LA LI SR"},
            // OUTPUT
            {"SS ES SS SR SS SS SS SS SS LI SR", "TW FW SS TW FW TW CL TW LA LI TW",
             "ES ES SS ES FW TW CL CW LA ES ES", "CL CL SS CL CL TW CL CL CL CL CL"},
            // INPUT_ONLY
            {"SR ES ES SR SR SR SR SR SR SR SR", "CL FW SS TW FW TW CL CW LA LI TW",
             "CL ES SS ES FW TW CL CW CL LI ES", "CL CL CL SR CL CL CL CL LA LI CL"},
        };
        String codes = "NO ES SS SR FW TW CL CW LA LI SA";
        for (int direction = 0; direction < 3; direction++) {
            for (int event = 0; event < EVENTS; event++) {
                String[] cells = rows[direction][event].split(" ");
                byte[] next = new byte[COUNT];
                for (int state = 0; state < COUNT; state++) {
                    next[state] = (byte) (codes.indexOf(cells[state]) / 3);
                }
                NEXT[direction * EVENTS + event] = next;
            }
        }
    }

    private TcpStates() {
    }

    /**
     * The state after a packet with {@code tcpFlags} in {@code direction} on a connection in
     * {@code state}.
     */
    public static int next(int state, int direction, int tcpFlags) {
        int event;
        if ((tcpFlags & RST) != 0) {
            event = EVENT_RST;
        } else if ((tcpFlags & SYN) != 0) {
            event = EVENT_SYN;
        } else if ((tcpFlags & FIN) != 0) {
            event = EVENT_FIN;
        } else if ((tcpFlags & ACK) != 0) {
            event = EVENT_ACK;
        } else {
            return CLOSE;
        }
        return NEXT[direction * EVENTS + event][state];
    }

    /** The IPVS name of a TCP state, as {@code ipvsadm -Lnc} prints it. */
    public static String name(int state) {
        return state >= 0 && state < COUNT ? NAMES[state] : "?" + state;
    }
}
