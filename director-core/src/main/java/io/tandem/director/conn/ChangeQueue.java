package io.tandem.director.conn;

import static io.tandem.director.conn.ConnectionEntries.F_DIRTY;
import static io.tandem.director.conn.ConnectionEntries.F_IN_USE;
import static io.tandem.director.conn.ConnectionEntries.F_QUEUED;

/**
 * The entries created or changed since the sync stream last looked, in order: a ring of entry
 * indices as large as the table, with two flags per entry.
 *
 * <pre>
 *  DIRTY   changed since the sync stream last took it
 *  QUEUED  its index is in the ring; kept while the entry is freed and reused, so that an index
 *          is never in the ring twice and the ring cannot overflow
 *  mark:   DIRTY; if not QUEUED, QUEUED and append
 *  poll:   take indices from the head, clearing QUEUED, until one is IN_USE and DIRTY; clear
 *          DIRTY and return it (a freed entry's stale index is skipped)
 * </pre>
 */
final class ChangeQueue {
    private final ConnectionEntries entries;
    private final int[] ring;
    private int head;
    private int count;

    ChangeQueue(ConnectionEntries entries, int capacity) {
        this.entries = entries;
        this.ring = new int[capacity];
    }

    void mark(int e) {
        int m = entries.meta(e) | F_DIRTY;
        if ((m & F_QUEUED) == 0) {
            m |= F_QUEUED;
            int tail = head + count;
            ring[tail < ring.length ? tail : tail - ring.length] = e;
            count++;
        }
        entries.setMeta(e, m);
    }

    int poll() {
        while (count > 0) {
            int e = ring[head];
            head = head + 1 < ring.length ? head + 1 : 0;
            count--;
            int m = entries.meta(e) & ~F_QUEUED;
            if ((m & (F_IN_USE | F_DIRTY)) == (F_IN_USE | F_DIRTY)) {
                entries.setMeta(e, m & ~F_DIRTY);
                return e;
            }
            entries.setMeta(e, m);
        }
        return ConnectionTable.NONE;
    }

    long footprintBytes() {
        return 4L * ring.length;
    }
}
