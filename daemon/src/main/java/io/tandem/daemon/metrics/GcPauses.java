package io.tandem.daemon.metrics;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * {@code tandem_gc_pause_seconds}: a histogram of the JVM's stop-the-world collections, from the
 * collectors' JMX notifications (one per collection, with its duration), labelled by collector
 * ({@code gc="Copy"}, {@code gc="MarkSweepCompact"} under the launcher's Serial GC). Collectors
 * whose notifications describe concurrent cycles rather than pauses (ZGC's and Shenandoah's
 * "Cycles", G1's "Concurrent GC") are left out. Buckets reach down to 0.5 ms: the pauses that
 * matter here are those near the heartbeat {@code keepalive} (tens of milliseconds).
 */
public final class GcPauses implements AutoCloseable {
    static final double[] BUCKETS_SECONDS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2};

    private final Histogram pauses;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;

    /** Registers the histogram with {@code registry} and starts listening. */
    public GcPauses(PrometheusRegistry registry) {
        pauses = Histogram.builder()
                .name("tandem_gc_pause_seconds")
                .help("Stop-the-world garbage collection pauses of tandemd's JVM, by collector")
                .labelNames("gc")
                .classicOnly()
                .classicUpperBounds(BUCKETS_SECONDS)
                .withoutExemplars()
                .register(registry);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter && isPausing(gc.getName())) {
                pauses.labelValues(gc.getName());
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    static boolean isPausing(String collector) {
        return !collector.contains("Cycles") && !collector.contains("Concurrent");
    }

    private void onNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        pauses.labelValues(info.getGcName()).observe(info.getGcInfo().getDuration() / 1000.0);
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone: nothing to undo
            }
        }
        emitters.clear();
    }
}
