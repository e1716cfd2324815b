package io.tandem.sync;

/** Why a received sync datagram was dropped; each is counted ({@link SyncCounters}). */
public enum DropReason {
    /** Shorter than a header and the shortest MAC, or longer than the largest datagram. */
    BAD_LENGTH,
    /** Not a sync datagram: the magic is not 'T' 'S'. */
    BAD_MAGIC,
    /** A version this node does not speak. */
    BAD_VERSION,
    /** An unknown message type. */
    BAD_TYPE,
    /** Signed with a key id that authkeys does not list. */
    UNKNOWN_KEY,
    /** The MAC does not match: forged, corrupted, or signed with another secret. */
    BAD_MAC,
    /** Authentic but inconsistent: entry count, entry fields or body length. */
    MALFORMED,
    /** From an earlier generation (boot) of the peer than one already heard. */
    OLD_GENERATION,
    /** A sequence already received, or too old to tell: a replay or a duplicate. */
    REPLAYED,
}
