package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.libvirt.LibvirtPower;
import dev.kvmigrate.inventory.libvirt.LibvirtSource;
import dev.kvmigrate.inventory.libvirt.XmlDumpSource;
import dev.kvmigrate.inventory.ova.OvaSource;
import dev.kvmigrate.inventory.ovirt.OvirtPower;
import dev.kvmigrate.inventory.ovirt.OvirtSettings;
import dev.kvmigrate.inventory.ovirt.OvirtSource;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanSource;
import java.net.URI;
import java.util.Optional;

/** Opens the source a plan names, and its power control when it has one. */
public final class PlanSources {
    private PlanSources() {}

    public static VmSource open(LoadedPlan lp) {
        PlanSource s = lp.plan().source();
        return switch (s.kind()) {
            case LIBVIRT -> LibvirtSource.open(s.libvirt().get());
            case XML_DIR -> XmlDumpSource.open(lp.resolve(s.xmlDir().get()));
            case OVA -> OvaSource.open(lp.resolve(s.ova().get()), s.ovfConfig());
            case OVIRT -> OvirtSource.open(ovirt(lp, s.ovirt().get()));
        };
    }

    /**
     * Live sources (libvirt, oVirt) can report and change a VM's power state; offline sources (XML dumps, OVA)
     * have nothing running.
     */
    public static Optional<PowerControl> power(LoadedPlan lp) {
        PlanSource s = lp.plan().source();
        return switch (s.kind()) {
            case LIBVIRT -> Optional.of(LibvirtPower.open(s.libvirt().get()));
            case OVIRT -> Optional.of(OvirtPower.open(ovirt(lp, s.ovirt().get())));
            case XML_DIR, OVA -> Optional.empty();
        };
    }

    static OvirtSettings ovirt(LoadedPlan lp, PlanSource.Ovirt o) {
        Secret password = o.passwordFile().map(f -> Secret.fromFile(lp.resolve(f)))
                .orElseGet(() -> Secret.fromEnvironment(o.passwordEnv().get()).orElseThrow(() ->
                        KvMigrateException.invalidInput("plan " + lp.file() + ": environment variable "
                                + o.passwordEnv().get() + " (source.ovirt.passwordEnv) is not set; export it with the"
                                + " engine password")));
        try {
            return OvirtSettings.of(URI.create(o.url()), o.user(), password, o.caFile().map(lp::resolve),
                    o.insecure().orElse(false), lp.plan().vms().ovirtSearch());
        } catch (IllegalArgumentException e) {
            throw KvMigrateException.invalidInput("plan " + lp.file() + ": source.ovirt: " + e.getMessage(), e);
        }
    }
}
