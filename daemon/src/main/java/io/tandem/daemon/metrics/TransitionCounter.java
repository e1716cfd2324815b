package io.tandem.daemon.metrics;

import io.tandem.failover.GroupState;
import io.tandem.failover.Transition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Counts group transitions by group and by the states they went from and to, for
 * {@code tandem_group_transitions_total}. Fed by the core loop (every transition the failover
 * engine makes), read by the scrape thread.
 */
public final class TransitionCounter implements Consumer<Transition> {
    /** One kind of transition. */
    public record Key(String group, GroupState from, GroupState to) {
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void accept(Transition t) {
        counts.computeIfAbsent(new Key(t.group(), t.from(), t.to()), k -> new LongAdder()).increment();
    }

    /** The counts so far, by kind. */
    public Map<Key, Long> snapshot() {
        Map<Key, Long> out = new java.util.TreeMap<>(java.util.Comparator.comparing(Key::group)
                .thenComparing(Key::from).thenComparing(Key::to));
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
