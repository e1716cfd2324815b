package io.tandem.daemon;

import io.tandem.failover.Resource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources of one group, in haresources order. Started left to right; if one fails, the ones
 * already started are stopped again, right to left, so a failed start leaves nothing half up.
 * Called only from the resource thread.
 */
final class GroupResources {
    private static final Logger LOG = LoggerFactory.getLogger(GroupResources.class);

    private final String group;
    private volatile List<Resource> resources;

    GroupResources(String group, List<Resource> resources) {
        this.group = group;
        this.resources = List.copyOf(resources);
    }

    /**
     * Reload: puts {@code added} into the group at {@code position} (haresources order) and, if
     * the group is up on this node (any of its resources runs), starts it at once. Resource thread.
     *
     * @throws Exception if the new resource fails to start; it is left out of the group then
     */
    void insert(int position, Resource added) throws Exception {
        boolean held = resources.stream().anyMatch(Resource::isRunning);
        if (held) {
            added.start();
        }
        List<Resource> next = new ArrayList<>(resources);
        next.add(position, added);
        resources = List.copyOf(next);
        LOG.info("group {}: reload added {}{}", group, added.name(), held ? " and started it (the group is held here)" : "");
    }

    List<Resource> resources() {
        return resources;
    }

    /** Starts every resource; returns null on success, else the failure (after rolling back). */
    Throwable startAll() {
        List<Resource> started = new ArrayList<>();
        for (Resource r : resources) {
            try {
                r.start();
                started.add(r);
            } catch (Exception e) {
                LOG.error("group {}: resource {} failed to start: {}; stopping the {} already started",
                        group, r.name(), e.getMessage(), started.size());
                for (int i = started.size() - 1; i >= 0; i--) {
                    stopQuietly(started.get(i));
                }
                return new IllegalStateException("resource " + r.name() + ": " + e.getMessage(), e);
            }
        }
        return null;
    }

    /** Re-asserts every resource (VIPs announce themselves again); failures are logged, not fatal. */
    void refreshAll() {
        for (Resource r : resources) {
            try {
                r.refresh();
            } catch (Exception e) {
                LOG.error("group {}: resource {} failed to refresh: {}", group, r.name(), e.getMessage());
            }
        }
    }

    /** The periodic re-announcement of the group's VIPs while it is held; failures logged once each time. */
    void keepVipsAnnounced() {
        for (Resource r : resources) {
            if (r instanceof VipResource vip) {
                try {
                    vip.keepAnnounced();
                } catch (Exception e) {
                    LOG.warn("group {}: could not re-announce {}: {}", group, r.name(), e.getMessage());
                }
            }
        }
    }

    /** Stops every resource right to left; all are tried, the first failure is returned. */
    Throwable stopAll() {
        Throwable first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            Throwable t = stopQuietly(resources.get(i));
            if (first == null && t != null) {
                first = new IllegalStateException("resource " + resources.get(i).name() + ": " + t.getMessage(), t);
            }
        }
        return first;
    }

    private Throwable stopQuietly(Resource r) {
        try {
            r.stop();
            return null;
        } catch (Exception e) {
            LOG.error("group {}: resource {} failed to stop: {}", group, r.name(), e.getMessage());
            return e;
        }
    }
}
