package io.tandem.daemon.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/**
 * One metric family being filled at scrape time: a gauge or a counter (named without
 * {@code _total}; the writer adds it), its help text, and its data points. A family that got no
 * point is not exported.
 */
final class Family {
    private final String name;
    private final String help;
    private final GaugeSnapshot.Builder gauge;
    private final CounterSnapshot.Builder counter;
    private int points;

    private Family(String name, String help, boolean isCounter) {
        this.name = name;
        this.help = help;
        this.gauge = isCounter ? null : GaugeSnapshot.builder().name(name).help(help);
        this.counter = isCounter ? CounterSnapshot.builder().name(name).help(help) : null;
    }

    static Family gauge(String name, String help) {
        return new Family(name, help, false);
    }

    static Family counter(String name, String help) {
        return new Family(name, help, true);
    }

    /** Adds a point; {@code labels} are name, value, name, value, ... */
    Family point(double value, String... labels) {
        Labels l = Labels.of(labels);
        if (gauge != null) {
            gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(l).build());
        } else {
            counter.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(l).build());
        }
        points++;
        return this;
    }

    /** A 0/1 point. */
    Family point(boolean value, String... labels) {
        return point(value ? 1 : 0, labels);
    }

    void addTo(List<MetricSnapshot> out) {
        if (points > 0) {
            out.add(gauge != null ? gauge.build() : counter.build());
        }
    }

    @Override
    public String toString() {
        return name + " (" + help + ")";
    }
}
