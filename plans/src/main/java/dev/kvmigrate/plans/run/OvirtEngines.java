package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.source.OvirtEngine;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanSource;
import java.net.URI;
import java.util.function.Function;

/**
 * The plan's oVirt engine for its disks: one session, logged in on first use (a plan without oVirt disks never
 * logs in), shared by every disk of the run and logged out when the run's target is closed.
 */
final class OvirtEngines implements Function<URI, OvirtEngine>, AutoCloseable {
    private final LoadedPlan lp;
    private OvirtEngine engine;
    private boolean closed;

    OvirtEngines(LoadedPlan lp) {
        this.lp = lp;
    }

    @Override
    public synchronized OvirtEngine apply(URI uri) {
        PlanSource.Ovirt o = lp.plan().source().ovirt().orElseThrow(() -> KvMigrateException.invalidInput(
                "plan " + lp.file() + ": a disk on oVirt engine " + uri.getHost() + " needs source.ovirt in the"
                + " plan"));
        if (closed) {
            throw new IllegalStateException("the plan's oVirt session is closed: the run is over");
        }
        if (engine == null) {
            engine = OvirtEngine.connect(PlanSources.ovirt(lp, o).engine());
        }
        return engine.forDisksOn(uri);
    }

    /** Whether a session was opened (and, after {@link #close()}, closed). */
    synchronized boolean opened() {
        return engine != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (engine != null) {
            engine.close();
        }
    }
}
