package io.tandem.daemon.director;

import io.tandem.config.ConfigException;
import io.tandem.config.DirectorCfParser;
import io.tandem.config.director.DirectorConfig;
import io.tandem.director.ServiceTable;
import io.tandem.director.VirtualService;
import io.tandem.director.forward.Forwarder;
import io.tandem.director.forward.ForwarderConfig;
import io.tandem.failover.Resource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code director} (or {@code ldirectord::FILE}) resource of haresources: the virtual services
 * of director.cf, forwarded by Tandem's own data path while the group is held. Start reads
 * director.cf again (so a fixed file takes effect on the next takeover), builds the forwarder on
 * the interface that carries the group's VIPs, and starts it; stop removes it (and its nftables
 * table).
 */
public final class DirectorResource implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(DirectorResource.class);
    /** 256k connections, about 27 MB of table: fits the daemon's heap next to everything else. */
    static final int CONNECTION_CAPACITY = 1 << 18;

    private final String name;
    private final Path directorCf;
    private final String clientInterface;
    private Forwarder forwarder;

    public DirectorResource(String name, Path directorCf, String clientInterface) {
        this.name = name;
        this.directorCf = directorCf;
        this.clientInterface = clientInterface;
    }

    /** Parses and converts director.cf; the file:line error of the first problem, or null if it is fine. */
    public static String check(Path directorCf) {
        try {
            DirectorServices.of(DirectorCfParser.load(directorCf));
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void start() throws Exception {
        if (forwarder != null && forwarder.isRunning()) {
            return;
        }
        if (forwarder == null) {
            // Built once: its connection table (sized for the heap) outlives stop/start, so a later
            // takeover finds the connections it learnt, and the memory is not claimed twice.
            DirectorConfig config = DirectorCfParser.load(directorCf);
            List<VirtualService> services = DirectorServices.of(config);
            DirectorServices.warnAboutUnimplemented(config);
            ForwarderConfig fc = ForwarderConfig.oneArm(clientInterface).withConnectionCapacity(CONNECTION_CAPACITY);
            String serverInterface = DirectorServices.serverInterface(services, clientInterface);
            if (serverInterface != null) {
                fc = fc.withServerInterface(serverInterface);
            }
            forwarder = new Forwarder(fc, new ServiceTable(services), System::nanoTime);
            LOG.info("director: {} virtual service(s) from {} on {}{}", services.size(), directorCf, clientInterface,
                    serverInterface == null ? "" : ", real servers on " + serverInterface);
        }
        forwarder.start();
    }

    @Override
    public synchronized void stop() throws IOException {
        if (forwarder != null) {
            forwarder.stop();
            LOG.info("director: forwarding stopped");
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return forwarder != null && forwarder.isRunning();
    }
}
