package dev.kvmigrate.converter.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.converter.gpu.dra.DraDevice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a cluster says about serving GPUs to VMs: the KubeVirt release and its feature gates, the CR's
 * {@code permittedHostDevices} selectors, the DRA DeviceClasses and published devices, and per node its labels and
 * allocatable device-plugin resources. Read by {@code ClusterProbe} ({@code --from-cluster}) or, in part, from a
 * KubeVirt CR file; used by the converter ({@code gpuTarget: auto}, the cluster's own resource names, capacity) and
 * by validate.
 *
 * @param kubevirtVersion the CR's {@code status.observedKubeVirtVersion} ({@code v1.9.0}), when known
 * @param featureGates {@code spec.configuration.developerConfiguration.featureGates}
 * @param disabledFeatureGates {@code …developerConfiguration.disabledFeatureGates} (v1.8+: turns a Beta gate off)
 * @param permitted the CR's {@code permittedHostDevices} entries
 * @param deviceClasses DeviceClass name → its CEL selector expressions ({@code spec.selectors[].cel.expression})
 * @param draDevices the devices all ResourceSlices publish
 * @param nodes the nodes with their labels and allocatable extended resources ({@code domain/name} only)
 */
public record ClusterGpus(Optional<String> kubevirtVersion, Set<String> featureGates,
        Set<String> disabledFeatureGates, List<PermittedDevice> permitted, Map<String, List<String>> deviceClasses,
        List<DraDevice> draDevices, List<GpuNode> nodes) {
    /** A cluster nothing is known of. */
    public static final ClusterGpus NONE = new ClusterGpus(Optional.empty(), Set.of(), Set.of(), List.of(), Map.of(),
            List.of(), List.of());

    /** One {@code permittedHostDevices} entry. */
    public record PermittedDevice(Kind kind, String selector, String resourceName, boolean externalResourceProvider) {
        /** Which list of {@code permittedHostDevices} it is in. */
        public enum Kind {
            /** {@code pciHostDevices}: {@code selector} is the {@code pciVendorSelector} ({@code 10DE:1EB8}) */
            PCI,
            /** {@code mediatedDevices}: {@code selector} is the {@code mdevNameSelector} ({@code GRID T4-1Q}) */
            MDEV,
            /** {@code usb}: {@code selector} is {@code vendor:product} of its first selector */
            USB
        }

        public PermittedDevice {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(resourceName, "resourceName");
        }
    }

    /** A node: name, labels and allocatable extended resources (count per {@code domain/name}). */
    public record GpuNode(String name, Map<String, String> labels, Map<String, Long> allocatable) {
        public GpuNode {
            Objects.requireNonNull(name, "name");
            labels = Map.copyOf(Objects.requireNonNullElse(labels, Map.of()));
            allocatable = Map.copyOf(Objects.requireNonNullElse(allocatable, Map.of()));
        }

        /** Whether every label of {@code selector} is on this node (an empty selector matches every node). */
        public boolean matches(Map<String, String> selector) {
            return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    public ClusterGpus {
        kubevirtVersion = Objects.requireNonNullElse(kubevirtVersion, Optional.<String>empty())
                .filter(v -> !v.isBlank());
        featureGates = Set.copyOf(Objects.requireNonNullElse(featureGates, Set.of()));
        disabledFeatureGates = Set.copyOf(Objects.requireNonNullElse(disabledFeatureGates, Set.of()));
        permitted = List.copyOf(Objects.requireNonNullElse(permitted, List.of()));
        Map<String, List<String>> classes = new TreeMap<>();
        Objects.requireNonNullElse(deviceClasses, Map.<String, List<String>>of())
                .forEach((name, selectors) -> classes.put(name, List.copyOf(selectors)));
        deviceClasses = Map.copyOf(classes);
        draDevices = List.copyOf(Objects.requireNonNullElse(draDevices, List.of()));
        nodes = List.copyOf(Objects.requireNonNullElse(nodes, List.of()));
    }

    /**
     * What one KubeVirt CR (or the admin merge patch, same shape) says: {@code status.observedKubeVirtVersion}, the
     * feature gates and disabled gates of {@code spec.configuration.developerConfiguration}, and the
     * {@code spec.configuration.permittedHostDevices} entries ({@code pciHostDevices}, {@code mediatedDevices},
     * {@code usb}, in that order; an entry without a {@code resourceName} is skipped). No device classes, DRA devices
     * or nodes.
     */
    public static ClusterGpus fromKubevirtCr(JsonNode cr) {
        Optional<String> version = Optional.of(cr.path("status").path("observedKubeVirtVersion").asText(""))
                .filter(v -> !v.isBlank());
        JsonNode configuration = cr.path("spec").path("configuration");
        JsonNode developer = configuration.path("developerConfiguration");
        List<PermittedDevice> permitted = new ArrayList<>();
        JsonNode hostDevices = configuration.path("permittedHostDevices");
        for (JsonNode e : hostDevices.path("pciHostDevices")) {
            permitted(PermittedDevice.Kind.PCI, e.path("pciVendorSelector").asText(""), e).ifPresent(permitted::add);
        }
        for (JsonNode e : hostDevices.path("mediatedDevices")) {
            permitted(PermittedDevice.Kind.MDEV, e.path("mdevNameSelector").asText(""), e).ifPresent(permitted::add);
        }
        for (JsonNode e : hostDevices.path("usb")) {
            JsonNode first = e.path("selectors").path(0);
            String selector = first.isMissingNode() ? ""
                    : first.path("vendor").asText("") + ":" + first.path("product").asText("");
            permitted(PermittedDevice.Kind.USB, selector, e).ifPresent(permitted::add);
        }
        return new ClusterGpus(version, texts(developer.path("featureGates")),
                texts(developer.path("disabledFeatureGates")), permitted, Map.of(), List.of(), List.of());
    }

    private static Optional<PermittedDevice> permitted(PermittedDevice.Kind kind, String selector, JsonNode entry) {
        String name = entry.path("resourceName").asText("");
        return name.isEmpty() ? Optional.empty()
                : Optional.of(new PermittedDevice(kind, selector, name,
                        entry.path("externalResourceProvider").asBoolean(false)));
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : array) {
            if (n.isTextual() && !n.asText().isBlank()) {
                out.add(n.asText());
            }
        }
        return out;
    }

    /** Per resource, the sum of every node's allocatable count. */
    public Map<String, Long> allocatable() {
        Map<String, Long> sum = new TreeMap<>();
        nodes.forEach(n -> n.allocatable().forEach((r, c) -> sum.merge(r, c, Long::sum)));
        return sum;
    }

    /** The resource names the CR permits. */
    public Set<String> permittedResources() {
        return permitted.stream().map(PermittedDevice::resourceName)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
}
