package dev.kvmigrate.plans.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.converter.ConversionResult;
import dev.kvmigrate.converter.ConvertOptions;
import dev.kvmigrate.converter.Converter;
import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.converter.VmConversion;
import dev.kvmigrate.converter.gpu.DeviceRequest;
import dev.kvmigrate.converter.mapping.InstancetypeChoice;
import dev.kvmigrate.converter.mapping.InstancetypeMap;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.StorageMap;
import dev.kvmigrate.converter.mapping.StorageRule;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.plans.model.Hooks;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.MigrationPlan;
import dev.kvmigrate.plans.model.VmOverride;
import dev.kvmigrate.plans.report.GpuAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plan's inventory turned into per-VM work: the plan's mappings with its per-VM overrides, the converter's
 * manifests, then the plan's own touches — owner labels, target names, MACs, run strategy. Pure functions.
 */
public final class PlanConversion {
    public static final String LABEL_PLAN = "kv-migrate.dev/plan";
    public static final String LABEL_VM = "kv-migrate.dev/vm";

    /** A plan ready to run: the inventory it was made from, the conversion and the work per VM. */
    public record Prepared(LoadedPlan plan, Inventory inventory, ConversionResult result, List<VmWork> vms) {
        public Prepared {
            vms = List.copyOf(vms);
        }

        public Optional<VmWork> vm(String name) {
            return vms.stream().filter(v -> v.name().equals(name)).findFirst();
        }

        /** The conversion with the plan's touches (labels, names, MACs, run strategy), for writing it whole. */
        public ConversionResult decorated() {
            List<VmConversion> out = new ArrayList<>();
            for (VmWork w : vms) {
                List<Manifest> ms = new ArrayList<>();
                w.vmManifest().ifPresent(ms::add);
                w.disks().forEach(d -> ms.add(d.manifest()));
                VmConversion c = w.conversion();
                out.add(new VmConversion(c.sourceName(), w.targetName(), c.blocked() ? List.of() : ms, c.concerns(),
                        c.devices(), c.persistentState()));
            }
            return new ConversionResult(out, result.shared(), result.adminPatch());
        }
    }

    private PlanConversion() {}

    public static Prepared prepare(LoadedPlan lp, Inventory inv) {
        MigrationPlan plan = lp.plan();
        Mappings mappings = withOverrides(plan, inv);
        ConvertOptions options = new ConvertOptions(plan.target().cluster().flatMap(c -> c.namespace()),
                Optional.of(plan.name()), Optional.empty(), false);
        ConversionResult result = Converter.convert(inv, plan.vms().selector(), mappings, options);
        List<VmWork> work = new ArrayList<>();
        for (VmConversion c : result.vms()) {
            work.add(work(plan, inv.vm(c.sourceName()).orElseThrow(), c));
        }
        return new Prepared(lp, inv, result, work);
    }

    /** The plan's mappings plus per-VM storage class and instancetype overrides. */
    static Mappings withOverrides(MigrationPlan plan, Inventory inv) {
        Mappings m = plan.mappings();
        Map<String, StorageRule> disks = new HashMap<>(m.storage().disks());
        Map<String, InstancetypeChoice> its = new HashMap<>(m.instancetypes().vms());
        for (Map.Entry<String, VmOverride> e : plan.overrides().entrySet()) {
            VmOverride o = e.getValue();
            Optional<Vm> vm = inv.vm(e.getKey());
            if (o.storageClass().isPresent() && vm.isPresent()) {
                StorageRule sc = new StorageRule(o.storageClass(), Optional.empty(), List.of(), Optional.empty(),
                        Optional.empty());
                for (Disk d : vm.get().disks()) {
                    String key = e.getKey() + "/" + d.target();
                    disks.put(key, disks.getOrDefault(key, StorageRule.NONE).overriddenBy(sc));
                }
            }
            o.instancetype().ifPresent(it -> its.put(e.getKey(), new InstancetypeChoice(Optional.of(it),
                    Optional.empty(), Optional.empty(), Optional.empty())));
        }
        return new Mappings(m.networks(), new StorageMap(m.storage().defaults(), m.storage().pools(), disks),
                m.gpus(), m.hostDevices(), new InstancetypeMap(m.instancetypes().defaults(), its));
    }

    static VmWork work(MigrationPlan plan, Vm vm, VmConversion c) {
        VmOverride o = plan.overrideFor(vm.name());
        String target = o.targetName().orElse(c.targetName());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_PLAN, plan.name());
        labels.put(LABEL_VM, KubernetesName.of(vm.name()));
        Optional<Manifest> vmManifest = Optional.empty();
        List<DiskWork> disks = new ArrayList<>();
        for (Manifest m : c.manifests()) {
            ObjectNode body = m.body().deepCopy();
            label(body, labels);
            if (m.kind().equals("VirtualMachine")) {
                touchVm(body, plan, target);
                vmManifest = Optional.of(new Manifest(m.fileName().equals("virtualmachine-" + c.targetName() + ".yaml")
                        ? "virtualmachine-" + target + ".yaml" : m.fileName(), body));
            } else if (m.kind().equals("DataVolume")) {
                JsonNode ann = body.path("metadata").path("annotations");
                long size = ann.path("kv-migrate.dev/virtual-size").asLong(0);
                Optional<String> loc = Optional.ofNullable(ann.get("kv-migrate.dev/source-location"))
                        .map(JsonNode::asText);
                disks.add(new DiskWork(vm.name(), m.name(), new Manifest(m.fileName(), body), loc, size));
            }
        }
        Hooks hooks = new Hooks(o.hooks().pre().or(() -> plan.hooks().pre()),
                o.hooks().post().or(() -> plan.hooks().post()));
        return new VmWork(vm.name(), target, c, vmManifest, disks, gpus(c.devices()), hooks);
    }

    private static void label(ObjectNode body, Map<String, String> labels) {
        ObjectNode meta = (ObjectNode) body.path("metadata");
        ObjectNode l = meta.has("labels") ? (ObjectNode) meta.get("labels") : meta.putObject("labels");
        labels.forEach(l::put);
    }

    private static void touchVm(ObjectNode vm, MigrationPlan plan, String targetName) {
        ((ObjectNode) vm.path("metadata")).put("name", targetName);
        ObjectNode spec = (ObjectNode) vm.path("spec");
        plan.options().runStrategy().ifPresent(s -> spec.put("runStrategy", s));
        if (plan.options().start() && plan.options().runStrategy().isEmpty()) {
            // Created halted; the start step turns it on once every disk is in place.
            spec.put("runStrategy", "Halted");
        }
        if (!plan.options().keepMacsOrDefault()) {
            JsonNode ifaces = spec.path("template").path("spec").path("domain").path("devices").path("interfaces");
            ifaces.forEach(i -> ((ObjectNode) i).remove("macAddress"));
        }
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
            String key = source + "|" + d.resource();
            counts.merge(key, 1, Integer::sum);
            resources.put(key, source);
        }
        List<GpuAssignment> out = new ArrayList<>();
        counts.forEach((k, n) -> out.add(new GpuAssignment(resources.get(k), k.substring(k.lastIndexOf('|') + 1), n)));
        return out;
    }
}
