package io.tandem.director;

/** The transport protocol of a virtual service, with its IP protocol number. */
public enum Protocol {
    TCP(6),
    UDP(17);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** The IP protocol number: 6 for TCP, 17 for UDP. */
    public int number() {
        return number;
    }
}
