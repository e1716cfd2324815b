package io.tandem.health;

/** A server answered, but not as a live server of its protocol should; the message says how. */
public final class CheckFailure extends Exception {
    public CheckFailure(String reason) {
        super(reason, null, false, false);
    }
}
