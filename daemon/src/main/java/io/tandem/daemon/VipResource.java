package io.tandem.daemon;

import io.tandem.config.VipSpec;
import io.tandem.failover.Resource;
import io.tandem.vip.AddressTable;
import io.tandem.vip.VipController;

/** A virtual address as a failover resource: start adds it and announces it, stop removes it. */
final class VipResource implements Resource {
    private final VipController controller;
    private final AddressTable table;
    private final VipSpec vip;

    VipResource(VipController controller, AddressTable table, VipSpec vip) {
        this.controller = controller;
        this.table = table;
        this.vip = vip;
    }

    @Override
    public String name() {
        return vip.text();
    }

    @Override
    public void start() throws Exception {
        controller.acquire(vip);
    }

    /** Adds the VIP back if something removed it, and announces it again either way. */
    @Override
    public void refresh() throws Exception {
        controller.acquire(vip);
    }

    /** One announcement while held, so neighbours and the peer keep seeing who answers for the VIP. */
    void keepAnnounced() throws Exception {
        controller.refresh(vip);
    }

    VipSpec vip() {
        return vip;
    }

    @Override
    public void stop() throws Exception {
        controller.release(vip);
    }

    @Override
    public boolean isRunning() {
        try {
            return table.holds(vip);
        } catch (Exception e) {
            return false;
        }
    }
}
