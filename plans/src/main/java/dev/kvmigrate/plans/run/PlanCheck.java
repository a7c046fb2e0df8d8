package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.LocatedObject;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.converter.validate.ValidationReport;
import dev.kvmigrate.converter.validate.Validator;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.plans.model.MigrationPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code plan validate}: what would stop or surprise a run, before anything moves — unmapped networks, storage
 * and GPUs, the converter's blockers and warnings, hooks the target cannot run, and (given cluster facts and
 * schemas) the validate rules on every object including GPU capacity for the whole plan.
 */
public final class PlanCheck {
    /** One finding; {@code vm} empty for plan-wide ones. */
    public record Finding(Severity severity, Optional<String> vm, String code, String message) {
        @Override
        public String toString() {
            return severity.name().toLowerCase(java.util.Locale.ROOT) + " " + code + ": " + message;
        }
    }

    private PlanCheck() {}

    public static List<Finding> check(PlanConversion.Prepared p) {
        MigrationPlan plan = p.plan().plan();
        List<Finding> out = new ArrayList<>();
        for (VmWork w : p.vms()) {
            Vm vm = p.inventory().vm(w.name()).orElseThrow();
            Optional<String> name = Optional.of(w.name());
            for (Nic nic : vm.nics()) {
                if (nic.plugged() && !nic.network().isEmpty() && plan.mappings().network(nic.network()).isEmpty()) {
                    out.add(new Finding(Severity.WARNING, name, "NETWORK_NOT_IN_PLAN", "VM " + w.name() + ": network "
                            + nic.network() + " has no entry in mappings.networks; the converter puts the NIC on the"
                            + " pod network when it is free — map it explicitly"));
                }
            }
            for (Disk d : vm.disks()) {
                boolean pooled = d.source().pool().map(pool -> plan.mappings().storage().pools().containsKey(pool))
                        .orElse(false);
                if (d.device() == DiskDevice.DISK && d.source().pool().isPresent() && !pooled
                        && plan.mappings().storage().defaults().isBlank()) {
                    out.add(new Finding(Severity.INFO, name, "STORAGE_NOT_IN_PLAN", "VM " + w.name() + ": disk "
                            + d.target() + " (pool " + d.source().pool().get() + ") has no storage rule; the cluster's"
                            + " default storage class is used"));
                }
            }
            for (Gpu g : vm.gpus()) {
                boolean mapped = plan.mappings().gpuResource(g.mdevType(), g.mdevTypeName(), g.vendorDevice())
                        .isPresent();
                if (!mapped) {
                    out.add(new Finding(Severity.WARNING, name, "GPU_NOT_IN_PLAN", "VM " + w.name() + ": GPU "
                            + g.mdevType().or(g::vendorDevice).orElse("?") + " has no entry in mappings.gpus; the"
                            + " derived device-plugin name is used — pin it in the plan (kv-migrate plan init writes it)"));
                }
            }
            for (Concern c : w.conversion().concerns()) {
                if (c.severity() != Severity.INFO) {
                    out.add(new Finding(c.severity(), name, c.code(), c.message()));
                }
            }
            boolean imageHook = w.hooks().pre().map(h -> !h.isLocal()).orElse(false)
                    || w.hooks().post().map(h -> !h.isLocal()).orElse(false);
            if (imageHook && plan.target().isDir()) {
                out.add(new Finding(Severity.BLOCKER, name, "HOOK_NEEDS_CLUSTER", "VM " + w.name() + ": an image"
                        + " hook runs as a Kubernetes Job, but the target is " + plan.target().describe()
                        + "; use a command hook or a cluster target"));
            }
        }
        return out;
    }

    /** The validate rules (schemas, permitted devices, storage classes, NADs, GPU capacity) on the plan's objects. */
    public static List<Finding> checkObjects(PlanConversion.Prepared p, SchemaSet schemas, ClusterFacts facts) {
        List<LocatedObject> objects = new ArrayList<>();
        for (VmWork w : p.vms()) {
            for (Manifest m : w.disks().stream().map(DiskWork::manifest).toList()) {
                objects.add(new LocatedObject(m.fileName(), m.body(), Map.of()));
            }
            w.vmManifest().ifPresent(m -> objects.add(new LocatedObject(m.fileName(), m.body(), Map.of())));
        }
        ValidationReport r = Validator.validateObjects(objects, List.of(), schemas, facts);
        List<Finding> out = new ArrayList<>();
        // Without any schema loaded, "no schema for …" is not a finding about the plan; the notes say what was skipped.
        r.findings().stream().filter(f -> !(schemas.isEmpty() && f.rule().equals("schema")))
                .forEach(f -> out.add(new Finding(Severity.BLOCKER, Optional.empty(), f.rule(), f.object()
                + (f.path().isEmpty() ? "" : " " + f.path()) + ": " + f.message())));
        if (schemas.isEmpty()) {
            out.add(new Finding(Severity.INFO, Optional.empty(), "NOTE", "objects were not checked against OpenAPI"
                    + " schemas (pass --schema or --from-cluster)"));
        }
        r.notes().forEach(n -> out.add(new Finding(Severity.INFO, Optional.empty(), "NOTE", n)));
        return out;
    }
}
