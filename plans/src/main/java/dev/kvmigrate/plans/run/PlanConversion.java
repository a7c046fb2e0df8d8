package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.ConversionResult;
import dev.kvmigrate.converter.ConvertOptions;
import dev.kvmigrate.converter.Converter;
import dev.kvmigrate.converter.Labels;
import dev.kvmigrate.converter.MigrationUnit;
import dev.kvmigrate.converter.VmOverrides;
import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.gpu.DeviceRequest;
import dev.kvmigrate.converter.storage.ClusterStorage;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.plans.model.Hooks;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.MigrationPlan;
import dev.kvmigrate.plans.model.PlanOptions;
import dev.kvmigrate.plans.model.VmOverride;
import dev.kvmigrate.plans.report.GpuAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plan's inventory turned into per-VM work: the converter's migration units, made from the plan's mappings and
 * its per-VM overrides, and the hooks that apply. The one place a plan's choices become converter inputs.
 */
public final class PlanConversion {
    public static final String LABEL_PLAN = Labels.PLAN;
    public static final String LABEL_VM = Labels.VM;

    /**
     * A plan ready to run: the inventory it was made from, the conversion and the work per VM, and the cluster's GPU
     * facts ({@code gpuTarget: auto} on a cluster target) and storage facts (StorageProfiles, filesystem overhead) the
     * conversion used, so work converted again for the cluster's executor decides the same way.
     */
    public record Prepared(LoadedPlan plan, Inventory inventory, ConversionResult result, List<VmWork> vms,
            Optional<ClusterGpus> cluster, Optional<ClusterStorage> storage) {
        public Prepared {
            vms = List.copyOf(vms);
            cluster = java.util.Objects.requireNonNullElse(cluster, Optional.empty());
            storage = java.util.Objects.requireNonNullElse(storage, Optional.empty());
        }

        /** A plan converted without the cluster's storage facts. */
        public Prepared(LoadedPlan plan, Inventory inventory, ConversionResult result, List<VmWork> vms,
                Optional<ClusterGpus> cluster) {
            this(plan, inventory, result, vms, cluster, Optional.empty());
        }

        public Optional<VmWork> vm(String name) {
            return vms.stream().filter(v -> v.name().equals(name)).findFirst();
        }
    }

    private PlanConversion() {}

    public static Prepared prepare(LoadedPlan lp, Inventory inv) {
        return prepare(lp, inv, options(lp.plan()));
    }

    /** As {@link #prepare(LoadedPlan, Inventory)}, with what the target cluster says about GPUs. */
    public static Prepared prepare(LoadedPlan lp, Inventory inv, Optional<ClusterGpus> cluster) {
        return prepare(lp, inv, options(lp.plan()).withCluster(cluster));
    }

    /**
     * As {@link #prepare(LoadedPlan, Inventory)}, with what the target cluster says about GPUs and storage: DataVolumes
     * take the modes the storage map leaves open from the class's StorageProfile and size with CDIConfig's overhead.
     */
    public static Prepared prepare(LoadedPlan lp, Inventory inv, Optional<ClusterGpus> cluster,
            Optional<ClusterStorage> storage) {
        return prepare(lp, inv, options(lp.plan()).withCluster(cluster).withStorage(storage));
    }

    /**
     * As {@link #prepare(LoadedPlan, Inventory)} for a run inside the cluster, in {@code namespace}: what the
     * scale-out Jobs create when the plan names no namespace.
     */
    public static Prepared prepareIn(Prepared p, String namespace) {
        ConvertOptions o = options(p.plan().plan());
        return prepare(p.plan(), p.inventory(), new ConvertOptions(o.namespace().or(() -> Optional.of(namespace)),
                o.plan(), o.imageio(), o.emitInstancetypes(), p.cluster(), p.storage()));
    }

    private static Prepared prepare(LoadedPlan lp, Inventory inv, ConvertOptions options) {
        MigrationPlan plan = lp.plan();
        ConversionResult result = Converter.convert(inv, plan.vms().selector(), plan.mappings(), options,
                vm -> overrides(plan, vm));
        List<VmWork> work = new ArrayList<>();
        for (MigrationUnit u : result.vms()) {
            VmOverride o = plan.overrideFor(u.sourceName());
            Hooks hooks = new Hooks(o.hooks().pre().or(() -> plan.hooks().pre()),
                    o.hooks().post().or(() -> plan.hooks().post()));
            work.add(new VmWork(u, gpus(u.devices()), hooks));
        }
        return new Prepared(lp, inv, result, work, options.cluster(), options.storage());
    }

    /** The conversion options of a plan: its name (labels, annotation) and the cluster target's namespace. */
    public static ConvertOptions options(MigrationPlan plan) {
        return new ConvertOptions(plan.target().cluster().flatMap(c -> c.namespace()), Optional.of(plan.name()),
                Optional.empty(), false);
    }

    /**
     * A VM's overrides: {@code overrides.<vm>} for name, namespace, storage class and instancetype; the plan's
     * options for MACs and the run strategy. With {@code startAfterImport} and no explicit run strategy the VM is
     * created Halted and the run's start step turns it on once every disk is in place.
     */
    public static VmOverrides overrides(MigrationPlan plan, String vm) {
        VmOverride o = plan.overrideFor(vm);
        PlanOptions opts = plan.options();
        Optional<String> runStrategy = opts.runStrategy().or(() -> opts.start() ? Optional.of("Halted")
                : Optional.empty());
        return new VmOverrides(o.targetName(), o.namespace(), o.storageClass(), o.instancetype(),
                o.keepMacs().orElse(opts.keepMacsOrDefault()), o.runStrategy().or(() -> runStrategy));
    }

    /** One row per distinct source device and resource, with how many the VM requests. */
    static List<GpuAssignment> gpus(List<DeviceRequest> devices) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, String> resources = new HashMap<>();
        for (DeviceRequest d : devices) {
            String source = switch (d.kind()) {
                case VGPU, MEDIATED_HOST_DEVICE -> "vGPU " + d.mdevTypeId().orElse("?")
                        + d.mdevTypeName().map(n -> " \"" + n + "\"").orElse("");
                case PASSTHROUGH_GPU, PCI_HOST_DEVICE -> "PCI " + d.vendorDevice().orElse("?");
            };
            String key = source + "|" + (d.isDra() ? "DRA claim of DeviceClass " + d.resource() : d.resource());
            counts.merge(key, 1, Integer::sum);
            resources.put(key, source);
        }
        List<GpuAssignment> out = new ArrayList<>();
        counts.forEach((k, n) -> out.add(new GpuAssignment(resources.get(k), k.substring(k.lastIndexOf('|') + 1), n)));
        return out;
    }
}
