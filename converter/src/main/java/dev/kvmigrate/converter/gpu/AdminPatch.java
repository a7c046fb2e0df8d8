package dev.kvmigrate.converter.gpu;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The merge patch for the KubeVirt CR that permits every device resource a converted set uses, and a human
 * summary. Pure: built from the per-VM device requests.
 *
 * <p>A JSON merge patch replaces lists whole: the summary tells the admin to merge the entries with those the CR
 * already has.
 *
 * @param patch the merge patch ({@code spec.configuration…})
 * @param summary markdown: count per resource and which VMs need it
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

    public static AdminPatch of(List<VmDevices> vms) {
        Map<String, DeviceRequest> byResource = new TreeMap<>();
        Map<String, List<String>> users = new TreeMap<>();
        Set<String> typeIds = new TreeSet<>();
        Set<String> gates = new TreeSet<>();
        for (VmDevices vm : vms) {
            if (vm.persistentState()) {
                gates.add(GATE_PERSISTENT_STATE);
            }
            for (DeviceRequest d : vm.devices()) {
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
        return new AdminPatch(patch, summary(byResource, users, typeIds, gates, unpermittable));
    }

    /** NVIDIA's device plugin advertises {@code nvidia.com/} resources; KubeVirt's own plugin serves the rest. */
    static boolean external(String resource) {
        return resource.startsWith(GpuResourceNames.NVIDIA);
    }

    /** Whether the patch permits nothing (no device, no gate). */
    public boolean isEmpty() {
        return patch.path("spec").path("configuration").isEmpty();
    }

    private static String summary(Map<String, DeviceRequest> byResource, Map<String, List<String>> users,
            Set<String> typeIds, Set<String> gates, Set<String> unpermittable) {
        StringBuilder s = new StringBuilder("# KubeVirt CR changes for this conversion\n\n");
        if (byResource.isEmpty() && gates.isEmpty()) {
            return s.append("No device or feature gate is needed.\n").toString();
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
