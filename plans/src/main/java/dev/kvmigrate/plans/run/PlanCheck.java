package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.converter.gpu.DeviceResolver;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.LocatedObject;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.converter.validate.ValidationReport;
import dev.kvmigrate.converter.validate.Validator;
import dev.kvmigrate.inventory.concern.ConcernCode;
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
import java.util.Set;

/**
 * {@code plan validate}: what would stop or surprise a run, before anything moves — unmapped networks, storage
 * and GPUs, the converter's blockers and warnings, hooks the target cannot run, and (given cluster facts and
 * schemas) the validate rules on every object including GPU capacity for the whole plan.
 */
public final class PlanCheck {
    /** What the converter may already say about a NIC or GPU the plan does not map: the plan check adds nothing. */
    private static final Set<ConcernCode> NIC_TOLD = Set.of(ConcernCode.NETWORK_UNMAPPED,
            ConcernCode.NETWORK_POD_TWICE, ConcernCode.NIC_DIRECT, ConcernCode.NIC_VHOSTUSER, ConcernCode.NIC_HOSTDEV);
    private static final Set<ConcernCode> GPU_TOLD = Set.of(ConcernCode.GPU_MDEV_MISSING,
            ConcernCode.GPU_TYPE_NAME_UNKNOWN, ConcernCode.GPU_PRODUCT_UNKNOWN,
            ConcernCode.GPU_RESOURCE_FROM_DEVICE_ID);

    /** One finding; {@code vm} empty for plan-wide ones; {@code code} a {@link ConcernCode} name. */
    public record Finding(Severity severity, Optional<String> vm, String code, String message) {
        /** A finding of {@code code} at its severity. */
        static Finding of(ConcernCode code, Optional<String> vm, String message) {
            return new Finding(code.severity(), vm, code.name(), message);
        }

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
            for (int i = 0; i < vm.nics().size(); i++) {
                Nic nic = vm.nics().get(i);
                if (nic.plugged() && !nic.network().isEmpty() && plan.mappings().network(nic.network()).isEmpty()
                        && !reported(w, "nics[" + i + "]", NIC_TOLD)) {
                    out.add(Finding.of(ConcernCode.NETWORK_NOT_IN_PLAN, name, "VM " + w.name() + ": network "
                            + nic.network() + " has no entry in mappings.networks; the converter puts the NIC on the"
                            + " pod network when it is free — map it explicitly"));
                }
            }
            for (Disk d : vm.disks()) {
                boolean pooled = d.source().pool().map(pool -> plan.mappings().storage().pools().containsKey(pool))
                        .orElse(false);
                if (d.device() == DiskDevice.DISK && d.source().pool().isPresent() && !pooled
                        && plan.mappings().storage().defaults().isBlank()) {
                    out.add(Finding.of(ConcernCode.STORAGE_NOT_IN_PLAN, name, "VM " + w.name() + ": disk "
                            + d.target() + " (pool " + d.source().pool().get() + ") has no storage rule; the cluster's"
                            + " default storage class is used"));
                }
            }
            for (int i = 0; i < vm.gpus().size(); i++) {
                Gpu g = vm.gpus().get(i);
                boolean mapped = DeviceResolver.mappedResourceOrReplacement(g, plan.mappings()).isPresent();
                if (!mapped && !reported(w, "gpus[" + i + "]", GPU_TOLD)) {
                    out.add(Finding.of(ConcernCode.GPU_NOT_IN_PLAN, name, "VM " + w.name() + ": GPU "
                            + g.mdevType().or(g::vendorDevice).orElse("?") + " has no entry in mappings.gpus; the"
                            + " derived device-plugin name is used — pin it in the plan (kv-migrate plan init writes it)"));
                }
            }
            for (Concern c : w.unit().concerns()) {
                if (c.severity() != Severity.INFO) {
                    out.add(new Finding(c.severity(), name, c.code(), c.message()));
                }
            }
            boolean imageHook = w.hooks().pre().map(h -> !h.isLocal()).orElse(false)
                    || w.hooks().post().map(h -> !h.isLocal()).orElse(false);
            if (imageHook && plan.target().isDir()) {
                out.add(Finding.of(ConcernCode.HOOK_NEEDS_CLUSTER, name, "VM " + w.name() + ": an image"
                        + " hook runs as a Kubernetes Job, but the target is " + plan.target().describe()
                        + "; use a command hook or a cluster target"));
            }
        }
        return out;
    }

    /** Whether the VM's unit already reports one of {@code codes} about {@code field}. */
    private static boolean reported(VmWork w, String field, Set<ConcernCode> codes) {
        return w.unit().concerns().stream().anyMatch(c -> c.field().filter(field::equals).isPresent()
                && codes.stream().anyMatch(code -> code.name().equals(c.code())));
    }

    /** The validate rules (schemas, permitted devices, storage classes, NADs, GPU capacity) on the plan's objects. */
    public static List<Finding> checkObjects(PlanConversion.Prepared p, SchemaSet schemas, ClusterFacts facts) {
        List<LocatedObject> objects = new ArrayList<>();
        for (VmWork w : p.vms()) {
            for (Manifest m : w.unit().objects()) {
                objects.add(LocatedObject.of(m));
            }
        }
        ValidationReport r = Validator.validateObjects(objects, List.of(), schemas, facts);
        List<Finding> out = new ArrayList<>();
        // Without any schema loaded, "no schema for …" is not a finding about the plan; the notes say what was skipped.
        r.findings().stream().filter(f -> !(schemas.isEmpty() && f.rule().equals(ConcernCode.MANIFEST_SCHEMA.name())))
                .forEach(f -> out.add(Finding.of(ConcernCode.valueOf(f.rule()), Optional.empty(), f.object()
                + (f.path().isEmpty() ? "" : " " + f.path()) + ": " + f.message())));
        if (schemas.isEmpty()) {
            out.add(Finding.of(ConcernCode.CHECK_SKIPPED, Optional.empty(), "objects were not checked against"
                    + " OpenAPI schemas (pass --schema or --from-cluster)"));
        }
        r.notes().forEach(n -> out.add(Finding.of(ConcernCode.CHECK_SKIPPED, Optional.empty(), n)));
        return out;
    }
}
