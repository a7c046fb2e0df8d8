package dev.kvmigrate.converter.gpu;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.converter.mapping.EvictionStrategy;
import dev.kvmigrate.converter.mapping.GpuTarget;
import dev.kvmigrate.converter.mapping.Mappings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The merge patch for the KubeVirt CR that permits every device resource a converted set uses, and a human
 * summary. Pure: built from the per-VM device requests.
 *
 * <p>A JSON merge patch replaces lists whole: without a cluster the summary tells the admin to merge the entries
 * with those the CR already has; with one the patch carries them.
 *
 * @param patch the merge patch ({@code spec.configuration…}: {@code permittedHostDevices},
 *     {@code mediatedDevicesConfiguration} with per-node-group types, feature gates)
 * @param summary markdown: count per resource and which VMs need it; why {@code gpuTarget: auto} chose its target;
 *     with DRA the DeviceClasses claimed and why each other GPU stays on the device plugin; how many of each vGPU
 *     type the nodes must create; SR-IOV vGPU node groups; the eviction strategy of VMs that cannot live-migrate
 *     and what live-migrating a vGPU needs
 */
public record AdminPatch(ObjectNode patch, String summary) {
    /** Devices one VM requests, by its target name; {@code persistentState} when it uses a persistent TPM/EFI. */
    public record VmDevices(String vmName, List<DeviceRequest> devices, boolean persistentState) {
        public VmDevices {
            Objects.requireNonNull(vmName, "vmName");
            devices = List.copyOf(devices);
        }
    }

    /** The feature gate {@code hostDevices} needs; {@code gpus} is GA since KubeVirt v1.4 and needs none. */
    public static final String GATE_HOST_DEVICES = "HostDevices";
    /** Persistent TPM / EFI state ("backend storage") needs this gate (KubeVirt user guide, v1.0+). */
    public static final String GATE_PERSISTENT_STATE = "VMPersistentState";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern NVIDIA_TYPE_ID = Pattern.compile("nvidia-\\d+");

    /**
     * The patch and summary for the VMs written.
     *
     * @param vms the devices of each written VM
     * @param mappings the GPU target (for the summary's per-GPU DRA statements) and the mapped eviction strategy
     */
    public static AdminPatch of(List<VmDevices> vms, Mappings mappings) {
        return of(vms, mappings, Optional.empty(), Optional.empty());
    }

    /**
     * The patch and summary, with what decided the GPU target and what the cluster already has: with a cluster the
     * patch carries the CR's own permitted devices and feature gates beside the new ones (a merge patch replaces
     * lists whole, so it is then safe to apply as it is), and devices the CR already permits are not added again.
     *
     * @param targetWhy why {@code gpuTarget: auto} chose what it chose, when it did
     * @param cluster what the cluster says ({@code --from-cluster})
     */
    public static AdminPatch of(List<VmDevices> vms, Mappings mappings, Optional<String> targetWhy,
            Optional<ClusterGpus> cluster) {
        Map<String, DeviceRequest> byResource = new TreeMap<>();
        Map<String, List<String>> draUsers = new TreeMap<>();
        Map<String, List<String>> users = new TreeMap<>();
        Map<String, MdevType> types = new TreeMap<>();
        Set<String> gates = new TreeSet<>();
        for (VmDevices vm : vms) {
            if (vm.persistentState()) {
                gates.add(GATE_PERSISTENT_STATE);
            }
            for (DeviceRequest d : vm.devices()) {
                if (d.isDra()) {
                    draUsers.computeIfAbsent(d.resource(), k -> new ArrayList<>()).add(vm.vmName());
                    continue;
                }
                byResource.putIfAbsent(d.resource(), d);
                users.computeIfAbsent(d.resource(), k -> new ArrayList<>()).add(vm.vmName());
                // only sysfs NVIDIA type ids (nvidia-222) configure node mdevs; a VMware profile kept as the type
                // (mockup-vmiop) names none
                d.mdevTypeId().filter(t -> NVIDIA_TYPE_ID.matcher(t).matches()).ifPresent(t -> types
                        .computeIfAbsent(t, k -> new MdevType(k, d.mdevTypeName(), d.nodeSelector(),
                                new ArrayList<>())).vms().add(vm.vmName()));
                if (!d.isGpu()) {
                    gates.add(GATE_HOST_DEVICES);
                }
            }
            if (Eviction.needsGate(vm.devices(), mappings.evictionStrategy())) {
                gates.add(Eviction.GATE_VGPU_LIVE_MIGRATION);
            }
        }
        Set<String> alreadyPermitted = cluster.map(ClusterGpus::permittedResources).orElse(Set.of());
        Set<String> clusterGates = cluster.map(ClusterGpus::featureGates).orElse(Set.of());
        ObjectNode config = F.objectNode();
        Set<String> unpermittable = new TreeSet<>();
        boolean anyNew = byResource.keySet().stream().anyMatch(r -> !alreadyPermitted.contains(r));
        if (anyNew) {
            ObjectNode permitted = F.objectNode();
            ArrayNode mdevs = F.arrayNode();
            ArrayNode pcis = F.arrayNode();
            ArrayNode usbs = F.arrayNode();
            Set<String> selectors = new TreeSet<>();
            cluster.ifPresent(c -> clusterEntries(c, mdevs, pcis, usbs, selectors));
            for (DeviceRequest d : byResource.values()) {
                if (alreadyPermitted.contains(d.resource())) {
                    continue;
                }
                if (d.isMediated() && d.mdevTypeName().isPresent()
                        && selectors.add("mdev|" + d.mdevTypeName().get() + "|" + d.resource())) {
                    ObjectNode e = mdevs.addObject();
                    e.put("mdevNameSelector", d.mdevTypeName().get());
                    e.put("resourceName", d.resource());
                    e.put("externalResourceProvider", external(d.resource()));
                } else if (!d.isMediated() && d.vendorDevice().isPresent()
                        && selectors.add("pci|" + d.vendorDevice().get() + "|" + d.resource())) {
                    ObjectNode e = pcis.addObject();
                    e.put("pciVendorSelector", d.vendorDevice().get().toUpperCase(Locale.ROOT));
                    e.put("resourceName", d.resource());
                    e.put("externalResourceProvider", !d.kubevirtProvided() && external(d.resource()));
                } else if (d.isMediated() ? d.mdevTypeName().isEmpty() : d.vendorDevice().isEmpty()) {
                    unpermittable.add(d.resource());
                }
            }
            if (!mdevs.isEmpty()) {
                permitted.set("mediatedDevices", mdevs);
            }
            if (!pcis.isEmpty()) {
                permitted.set("pciHostDevices", pcis);
            }
            if (!usbs.isEmpty()) {
                permitted.set("usb", usbs);
            }
            if (!permitted.isEmpty()) {
                config.set("permittedHostDevices", permitted);
            }
        }
        if (!types.isEmpty()) {
            config.set("mediatedDevicesConfiguration", mediatedDevices(types.values(), cluster));
        }
        Set<String> newGates = new TreeSet<>(gates);
        newGates.removeAll(clusterGates);
        if (!newGates.isEmpty()) {
            ArrayNode fg = config.putObject("developerConfiguration").putArray("featureGates");
            new TreeSet<>(union(gates, clusterGates)).forEach(fg::add);
        }
        ObjectNode patch = F.objectNode();
        patch.putObject("spec").set("configuration", config);
        StringBuilder s = new StringBuilder(summary(byResource, users, types.keySet(), gates, unpermittable,
                alreadyPermitted, cluster.isPresent()).stripTrailing()).append('\n');
        targetWhy.ifPresent(why -> s.append("\n## GPU target\n\n").append(why).append(".\n"));
        if (mappings.gpuTarget() == GpuTarget.DRA) {
            s.append(draSummary(vms, draUsers));
        }
        s.append(MdevSizing.summary(types.values()));
        s.append(sriovSummary(byResource, users));
        s.append(evictionSummary(vms, mappings.evictionStrategy()));
        return new AdminPatch(patch, s.toString());
    }

    /** One mediated device type the VMs use: its id, name, node group and the VMs (one entry per vGPU). */
    record MdevType(String id, Optional<String> name, Map<String, String> nodeSelector, List<String> vms) {}

    /**
     * {@code mediatedDevicesConfiguration}: the types without a node group in {@code mediatedDeviceTypes} (every
     * mdev-capable node creates them), the others per node group in {@code nodeMediatedDeviceTypes}; with a
     * cluster of KubeVirt v1.8 or later also {@code enabled: true}.
     */
    private static ObjectNode mediatedDevices(java.util.Collection<MdevType> types, Optional<ClusterGpus> cluster) {
        ObjectNode m = F.objectNode();
        if (cluster.flatMap(ClusterGpus::kubevirtVersion).filter(v -> GpuTargets.atLeast(Optional.of(v), 1, 8))
                .isPresent()) {
            m.put("enabled", true);
        }
        List<String> everywhere = types.stream().filter(t -> t.nodeSelector().isEmpty()).map(MdevType::id).toList();
        if (!everywhere.isEmpty()) {
            ArrayNode a = m.putArray("mediatedDeviceTypes");
            everywhere.forEach(a::add);
        }
        Map<String, Set<String>> byGroup = new TreeMap<>();
        Map<String, Map<String, String>> groups = new TreeMap<>();
        for (MdevType t : types) {
            if (!t.nodeSelector().isEmpty()) {
                String key = t.nodeSelector().toString();
                groups.put(key, t.nodeSelector());
                byGroup.computeIfAbsent(key, k -> new TreeSet<>()).add(t.id());
            }
        }
        if (!byGroup.isEmpty()) {
            ArrayNode a = m.putArray("nodeMediatedDeviceTypes");
            byGroup.forEach((key, ids) -> {
                ObjectNode e = a.addObject();
                ObjectNode sel = e.putObject("nodeSelector");
                groups.get(key).forEach(sel::put);
                ArrayNode list = e.putArray("mediatedDeviceTypes");
                ids.forEach(list::add);
            });
        }
        return m;
    }

    /** The CR's own permitted entries, so the merge patch keeps them. */
    private static void clusterEntries(ClusterGpus c, ArrayNode mdevs, ArrayNode pcis, ArrayNode usbs,
            Set<String> selectors) {
        for (ClusterGpus.PermittedDevice p : c.permitted()) {
            switch (p.kind()) {
                case MDEV -> {
                    selectors.add("mdev|" + p.selector() + "|" + p.resourceName());
                    mdevs.addObject().put("mdevNameSelector", p.selector()).put("resourceName", p.resourceName())
                            .put("externalResourceProvider", p.externalResourceProvider());
                }
                case PCI -> {
                    selectors.add("pci|" + p.selector().toLowerCase(Locale.ROOT) + "|" + p.resourceName());
                    pcis.addObject().put("pciVendorSelector", p.selector()).put("resourceName", p.resourceName())
                            .put("externalResourceProvider", p.externalResourceProvider());
                }
                case USB -> {
                    String[] vp = p.selector().split(":", 2);
                    ObjectNode e = usbs.addObject().put("resourceName", p.resourceName())
                            .put("externalResourceProvider", p.externalResourceProvider());
                    e.putArray("selectors").addObject().put("vendor", vp[0]).put("product", vp.length > 1 ? vp[1]
                            : "");
                }
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    /** SR-IOV vGPUs: the VFs' pciHostDevices entry and the node group each profile is pinned to. */
    private static String sriovSummary(Map<String, DeviceRequest> byResource, Map<String, List<String>> users) {
        StringBuilder s = new StringBuilder();
        byResource.forEach((resource, d) -> {
            if (!d.kubevirtProvided()) {
                return;
            }
            s.append("- `").append(resource).append("` (VF ").append(d.vendorDevice().orElse("?").toUpperCase(
                    Locale.ROOT)).append(") for ").append(String.join(", ", new TreeSet<>(users.get(resource))))
                    .append(": ").append(d.nodeSelector().isEmpty() ? "no node group: VFs of every profile share"
                            + " this selector, so give each profile its nodes (nodeGroups) or the VM may get a VF of"
                            + " another profile"
                            : "pinned to the nodes labelled " + d.nodeSelector().entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .collect(Collectors.joining(","))
                                    + " (their VFs must carry this profile: set it with nvidia-smi vgpu or the"
                                    + " GPU Operator's vGPU device manager)")
                    .append('\n');
        });
        return s.isEmpty() ? "" : "\n## SR-IOV vGPUs\n\nKubeVirt's own PCI device plugin serves NVIDIA SR-IOV vGPU"
                + " VFs through the `pciHostDevices` entries of the patch (`externalResourceProvider: false`); the VF's"
                + " vGPU profile is set on the node, not by KubeVirt.\n\n" + s;
    }

    /** NVIDIA's device plugin advertises {@code nvidia.com/} resources; KubeVirt's own plugin serves the rest. */
    static boolean external(String resource) {
        return resource.startsWith(GpuResourceNames.NVIDIA);
    }

    /** Whether the patch permits nothing (no device, no gate). */
    public boolean isEmpty() {
        return patch.path("spec").path("configuration").isEmpty();
    }

    /** DRA mode: the DeviceClasses claimed and, per GPU left on the device plugin, why. */
    private static String draSummary(List<VmDevices> vms, Map<String, List<String>> draUsers) {
        StringBuilder s = new StringBuilder("\n## GPUs through DRA\n\n");
        if (!draUsers.isEmpty()) {
            s.append("Passthrough GPUs are claimed through ResourceClaimTemplates written beside their VMs. The cluster"
                    + " needs NVIDIA's DRA driver (Kubernetes 1.34 or later) with the DeviceClass ")
                    .append(draUsers.keySet().stream().map(c -> "`" + c + "`").collect(Collectors.joining(", ")))
                    .append(", and KubeVirt with the feature gate `").append(DraClaims.GATE_GPUS_WITH_DRA)
                    .append("` (Beta, on by default in v1.9); they need no permittedHostDevices entry.\n\n");
            draUsers.forEach((deviceClass, users) -> s.append("- `").append(deviceClass).append("`: ")
                    .append(users.size()).append(" GPU(s) for ").append(String.join(", ", new TreeSet<>(users)))
                    .append('\n'));
        }
        List<String> kept = new ArrayList<>();
        for (VmDevices vm : vms) {
            List<DeviceRequest> gpus = vm.devices().stream().filter(DeviceRequest::isGpu).toList();
            for (int i = 0; i < gpus.size(); i++) {
                DeviceRequest g = gpus.get(i);
                if (!g.isDra()) {
                    kept.add("- " + vm.vmName() + " gpu" + i + " stays on the device plugin as `" + g.resource()
                            + "`: " + DraClaims.notClaimedBecause(g) + "\n");
                }
            }
        }
        if (!kept.isEmpty()) {
            s.append(draUsers.isEmpty() ? "" : "\n").append("Not claimed through DRA:\n\n");
            kept.forEach(s::append);
        }
        if (draUsers.isEmpty() && kept.isEmpty()) {
            s.append("No VM has a GPU.\n");
        }
        return s.toString();
    }

    /** The VMs that cannot live-migrate, the eviction strategy they get, and why; what vGPU live migration needs. */
    private static String evictionSummary(List<VmDevices> vms, Optional<EvictionStrategy> mapped) {
        StringBuilder lines = new StringBuilder();
        List<String> migrating = new ArrayList<>();
        for (VmDevices vm : vms) {
            Optional<String> reason = Eviction.reason(vm.devices());
            if (reason.isEmpty()) {
                continue;
            }
            EvictionStrategy s = Eviction.strategy(vm.devices(), mapped).orElseThrow();
            lines.append("- ").append(vm.vmName()).append(": `").append(s.value()).append("`, ");
            if (Eviction.needsGate(vm.devices(), mapped)) {
                migrating.add(vm.vmName());
                lines.append("live-migrates its vGPU behind ").append(Eviction.GATE_VGPU_LIVE_MIGRATION);
            } else {
                lines.append(reason.get());
                if (Eviction.liveMigrateRefused(vm.devices(), mapped)) {
                    lines.append(" (the mappings' LiveMigrate would block drains)");
                }
            }
            lines.append('\n');
        }
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\n## Eviction strategy\n\nA VM that cannot live-migrate with"
                + " `evictionStrategy: LiveMigrate` (often set cluster-wide in the KubeVirt CR) blocks node drains. ");
        out.append(mapped.isEmpty() ? "These VMs get `None`: a drain shuts them down, and `runStrategy: Always`"
                + " starts them again on a node with their devices (set `evictionStrategy` in the mappings to"
                + " choose another)."
                : "The mappings set `" + mapped.get().value() + "`"
                        + (mapped.get() == EvictionStrategy.LIVE_MIGRATE ? ": VMs with a single vGPU live-migrate,"
                                + " the others get `None` so drains finish." : "."));
        out.append("\n\n").append(lines);
        if (!migrating.isEmpty()) {
            out.append("\nLive-migrating a vGPU (").append(String.join(", ", migrating)).append(") needs the alpha"
                    + " feature gate `").append(Eviction.GATE_VGPU_LIVE_MIGRATION).append("` (in the patch; KubeVirt"
                    + " v1.8 or later), the same vGPU type free on the destination node, and every volume of the VM"
                    + " on shared storage: ReadWriteMany (RWX) access, e.g. `accessModes: [ReadWriteMany]` in the"
                    + " storage map on a class that offers it (CephFS/RBD, NFS, …). A VM whose volumes are not RWX"
                    + " cannot migrate, and the drain shuts it down after all.\n");
        }
        return out.toString();
    }

    private static String summary(Map<String, DeviceRequest> byResource, Map<String, List<String>> users,
            Set<String> typeIds, Set<String> gates, Set<String> unpermittable, Set<String> alreadyPermitted,
            boolean fromCluster) {
        StringBuilder s = new StringBuilder("# KubeVirt CR changes for this conversion\n\n");
        if (byResource.isEmpty() && gates.isEmpty()) {
            return s.append("No CR change (permitted device or feature gate) is needed.\n").toString();
        }
        s.append("Apply with `kubectl patch kubevirt kubevirt -n kubevirt --type merge --patch-file"
                + " kubevirt-cr-patch.yaml`.\n").append(fromCluster ? "The patch's lists hold the CR's own"
                        + " permitted devices and feature gates beside the new ones, as read from the cluster: apply"
                        + " it as it is (re-run convert if the CR changed since).\n\n"
                        : "A merge patch replaces lists whole: if the CR already permits devices or enables feature"
                        + " gates, merge these entries into the existing lists first.\n\n");
        if (!byResource.isEmpty()) {
            s.append("| resource | kind | selector | count | VMs |\n|---|---|---|---|---|\n");
            byResource.forEach((resource, d) -> {
                List<String> vms = users.get(resource);
                String selector = d.isMediated() ? d.mdevTypeName().map(n -> "mdev `" + n + "`").orElse("-")
                        : d.vendorDevice().map(v -> "PCI `" + v.toUpperCase(Locale.ROOT) + "`").orElse("-");
                s.append("| `").append(resource).append(alreadyPermitted.contains(resource) ? "` (permitted already)"
                        : "`").append(" | ").append(d.kubevirtProvided() ? "sriov_vgpu"
                                : d.kind().name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(selector).append(" | ").append(vms.size()).append(" | ").append(String.join(", ", new TreeSet<>(vms))).append(" |\n");
            });
            s.append('\n');
        }
        if (!typeIds.isEmpty()) {
            s.append("Mediated device types for the nodes: ").append(String.join(", ", typeIds))
                    .append(" (type ids are driver-version specific: check them on the target nodes; sizing"
                            + " below).\n");
        }
        if (!unpermittable.isEmpty()) {
            s.append("Not in the patch, selector unknown (add permittedHostDevices entries by hand): ")
                    .append(String.join(", ", unpermittable)).append(".\n");
        }
        if (!gates.isEmpty()) {
            s.append("Feature gates: ").append(String.join(", ", gates)).append(".\n");
        }
        return s.toString();
    }
}
