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
 * <p>A JSON merge patch replaces lists whole: the summary tells the admin to merge the entries with those the CR
 * already has.
 *
 * @param patch the merge patch ({@code spec.configuration…})
 * @param summary markdown: count per resource and which VMs need it; with DRA the DeviceClasses claimed and why
 *     each other GPU stays on the device plugin; the eviction strategy of VMs that cannot live-migrate
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
        Map<String, DeviceRequest> byResource = new TreeMap<>();
        Map<String, List<String>> draUsers = new TreeMap<>();
        Map<String, List<String>> users = new TreeMap<>();
        Set<String> typeIds = new TreeSet<>();
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
                d.mdevTypeId().filter(t -> NVIDIA_TYPE_ID.matcher(t).matches()).ifPresent(typeIds::add);
                if (!d.isGpu()) {
                    gates.add(GATE_HOST_DEVICES);
                }
            }
        }
        ObjectNode config = F.objectNode();
        Set<String> unpermittable = new TreeSet<>();
        if (!byResource.isEmpty()) {
            ObjectNode permitted = F.objectNode();
            ArrayNode mdevs = F.arrayNode();
            ArrayNode pcis = F.arrayNode();
            Set<String> selectors = new TreeSet<>();
            for (DeviceRequest d : byResource.values()) {
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
            if (!permitted.isEmpty()) {
                config.set("permittedHostDevices", permitted);
            }
        }
        if (!typeIds.isEmpty()) {
            ArrayNode types = config.putObject("mediatedDevicesConfiguration").putArray("mediatedDeviceTypes");
            typeIds.forEach(types::add);
        }
        if (!gates.isEmpty()) {
            ArrayNode fg = config.putObject("developerConfiguration").putArray("featureGates");
            gates.forEach(fg::add);
        }
        ObjectNode patch = F.objectNode();
        patch.putObject("spec").set("configuration", config);
        StringBuilder s = new StringBuilder(summary(byResource, users, typeIds, gates, unpermittable));
        if (mappings.gpuTarget() == GpuTarget.DRA) {
            s.append(draSummary(vms, draUsers));
        }
        s.append(evictionSummary(vms, mappings.evictionStrategy()));
        return new AdminPatch(patch, s.toString());
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

    /** The VMs that cannot live-migrate, the eviction strategy they get, and why. */
    private static String evictionSummary(List<VmDevices> vms, Optional<EvictionStrategy> mapped) {
        StringBuilder lines = new StringBuilder();
        for (VmDevices vm : vms) {
            Eviction.reason(vm.devices()).ifPresent(reason -> lines.append("- ").append(vm.vmName()).append(": `")
                    .append(Eviction.strategy(vm.devices(), mapped).orElseThrow().value()).append("`, ")
                    .append(reason).append('\n'));
        }
        if (lines.isEmpty()) {
            return "";
        }
        EvictionStrategy chosen = mapped.orElse(EvictionStrategy.NONE);
        return "\n## Eviction strategy\n\nA VM that cannot live-migrate with `evictionStrategy: LiveMigrate` (often"
                + " set cluster-wide in the KubeVirt CR) blocks node drains. "
                + (mapped.isEmpty() ? "These VMs get `None`: a drain shuts them down, and `runStrategy: Always`"
                        + " starts them again on a node with their devices (set `evictionStrategy` in the mappings to"
                        + " choose another)."
                        : "The mappings set `" + chosen.value() + "`"
                                + (chosen == EvictionStrategy.LIVE_MIGRATE ? ", so draining their nodes will hang."
                                        : "."))
                + "\n\n" + lines;
    }

    private static String summary(Map<String, DeviceRequest> byResource, Map<String, List<String>> users,
            Set<String> typeIds, Set<String> gates, Set<String> unpermittable) {
        StringBuilder s = new StringBuilder("# KubeVirt CR changes for this conversion\n\n");
        if (byResource.isEmpty() && gates.isEmpty()) {
            return s.append("No CR change (permitted device or feature gate) is needed.\n").toString();
        }
        s.append("Apply with `kubectl patch kubevirt kubevirt -n kubevirt --type merge --patch-file"
                + " kubevirt-cr-patch.yaml`.\nA merge patch replaces lists whole: if the CR already permits devices"
                + " or enables feature gates, merge these entries into the existing lists first.\n\n");
        if (!byResource.isEmpty()) {
            s.append("| resource | kind | selector | count | VMs |\n|---|---|---|---|---|\n");
            byResource.forEach((resource, d) -> {
                List<String> vms = users.get(resource);
                String selector = d.isMediated() ? d.mdevTypeName().map(n -> "mdev `" + n + "`").orElse("-")
                        : d.vendorDevice().map(v -> "PCI `" + v.toUpperCase(Locale.ROOT) + "`").orElse("-");
                s.append("| `").append(resource).append("` | ").append(d.kind().name().toLowerCase(Locale.ROOT))
                        .append(" | ").append(selector).append(" | ").append(vms.size()).append(" | ")
                        .append(String.join(", ", new TreeSet<>(vms))).append(" |\n");
            });
            s.append('\n');
        }
        if (!typeIds.isEmpty()) {
            s.append("Mediated device types for the nodes: ").append(String.join(", ", typeIds))
                    .append(" (type ids are driver-version specific: check them on the target nodes).\n");
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
