package io.tandem.director.sched;

/** Creates the scheduler a {@link SchedulerSpec} names, bound to one service's servers. */
public final class Schedulers {
    private Schedulers() {
    }

    /** A new scheduler over {@code servers}, already initialised from their current weights. */
    public static Scheduler create(SchedulerSpec spec, ServerSet servers) {
        return switch (spec.name()) {
            case RR -> new RoundRobinScheduler(servers);
            case WRR -> new WeightedRoundRobinScheduler(servers);
            case LC -> new LeastConnectionScheduler(servers);
            case WLC -> new WeightedLeastConnectionScheduler(servers);
            case SH -> new SourceHashScheduler(servers, spec.fallback(), spec.hashPort());
            case DH -> new DestinationHashScheduler(servers);
            case SED -> new ShortestExpectedDelayScheduler(servers);
            case NQ -> new NeverQueueScheduler(servers);
            case MH -> new MaglevScheduler(servers, spec.maglevTableSize(), spec.fallback(), spec.hashPort());
        };
    }
}
