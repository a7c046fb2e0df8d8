package dev.kvmigrate.converter.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the user decides about the target: networks, storage, GPU and host-device resource names, instancetypes,
 * how GPUs are served (device plugin or DRA) and how VMs that cannot live-migrate are evicted.
 * Read from {@code mappings.yaml} by {@link MappingsReader}; plans embed the same structure. Documented in
 * {@code docs/mappings.md}.
 *
 * @param networks source network / bridge / device / vNIC profile name → target network
 * @param storage volume rules
 * @param gpus GPU key → resource name; a key is an mdev type id ({@code nvidia-230}), an mdev type name or SR-IOV
 *     vGPU profile ({@code GRID T4-1Q}), {@code vendor:device} ({@code 10de:2330}) or an mdev UUID
 * @param hostDevices host device key → resource name, or {@value #DROP} to leave the device out; a key is
 *     {@code vendor:device} (PCI and USB devices, a GPU's companion functions) or an mdev type id
 * @param instancetypes instancetype/preference references
 * @param gpuTarget how the cluster serves GPUs; absent: {@link GpuTarget#AUTO} (the device plugin unless a cluster
 *     says otherwise)
 * @param dra DeviceClass and selectors for {@code gpuTarget: dra}
 * @param evictionStrategy the evictionStrategy of VMs that cannot live-migrate (GPUs, host devices); absent:
 *     {@link EvictionStrategy#NONE}
 * @param nodeGroups GPU key (SR-IOV vGPU profile or mdev type name, mdev type id, {@code vendor:device}) → the node
 *     labels of the nodes that serve it: an SR-IOV vGPU's VM is pinned there ({@code nodeSelector}), a vGPU type is
 *     created there ({@code nodeMediatedDeviceTypes})
 * @param guests source VM name or {@code *}/{@code ?} glob → what the guest has: an exact name wins over globs, a
 *     longer glob over a shorter one
 * @param gpuReplacements GPU key → the device the target serves it with when it is not the source's: an mdev vGPU
 *     (type id, type name or mdev UUID) → an SR-IOV vGPU's VF, a passthrough GPU ({@code vendor:device}) → another
 *     product
 */
public record Mappings(
        Map<String, NetworkTarget> networks,
        StorageMap storage,
        Map<String, String> gpus,
        @JsonProperty("hostDevices") Map<String, String> hostDevices,
        InstancetypeMap instancetypes,
        @JsonProperty("gpuTarget") GpuTarget gpuTarget,
        DraMapping dra,
        @JsonProperty("evictionStrategy") Optional<EvictionStrategy> evictionStrategy,
        @JsonProperty("nodeGroups") Map<String, Map<String, String>> nodeGroups,
        Map<String, GuestRule> guests,
        @JsonProperty("gpuReplacements") Map<String, GpuReplacement> gpuReplacements) {
    /** The {@code hostDevices} value that leaves a device out (INFO HOSTDEV_DROPPED_BY_MAPPING) instead of mapping it. */
    public static final String DROP = "drop";

    public static final Mappings NONE = new Mappings(Map.of(), StorageMap.NONE, Map.of(), Map.of(),
            InstancetypeMap.NONE, GpuTarget.AUTO, DraMapping.NONE, Optional.empty(), Map.of(), Map.of(), Map.of());

    public Mappings {
        networks = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(networks, Map.of())));
        storage = Objects.requireNonNullElse(storage, StorageMap.NONE);
        gpus = normaliseKeys(Objects.requireNonNullElse(gpus, Map.of()), "gpus");
        hostDevices = normaliseKeys(Objects.requireNonNullElse(hostDevices, Map.of()), "hostDevices");
        instancetypes = Objects.requireNonNullElse(instancetypes, InstancetypeMap.NONE);
        gpuTarget = Objects.requireNonNullElse(gpuTarget, GpuTarget.AUTO);
        dra = Objects.requireNonNullElse(dra, DraMapping.NONE);
        evictionStrategy = Objects.requireNonNullElse(evictionStrategy, Optional.empty());
        nodeGroups = nodeGroups(Objects.requireNonNullElse(nodeGroups, Map.of()));
        guests = guests(Objects.requireNonNullElse(guests, Map.of()));
        gpuReplacements = gpuReplacements(Objects.requireNonNullElse(gpuReplacements, Map.of()));
    }

    /** Keys name a VM or a glob; every entry says virtioDrivers. */
    private static Map<String, GuestRule> guests(Map<String, GuestRule> in) {
        Map<String, GuestRule> out = new TreeMap<>();
        in.forEach((key, rule) -> {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("a guests entry has no VM name or glob");
            }
            if (rule == null) {
                throw new IllegalArgumentException("guests entry '" + key + "' is empty; give '" + key
                        + ": {virtioDrivers: true}' once the guest has virtio drivers (virtio-win)");
            }
            out.put(key, rule);
        });
        return Map.copyOf(out);
    }

    /** An SR-IOV replacement is keyed like an mdev vGPU, a product replacement like a passthrough GPU. */
    private static Map<String, GpuReplacement> gpuReplacements(Map<String, GpuReplacement> in) {
        Map<String, GpuReplacement> out = new TreeMap<>();
        in.forEach((key, r) -> {
            if (r == null) {
                throw new IllegalArgumentException("gpuReplacements entry '" + key + "' is empty; give sriovVf or"
                        + " device");
            }
            if (r.sriovVf().isPresent() && isVendorDevice(key)) {
                throw new IllegalArgumentException("gpuReplacements entry '" + key + "': sriovVf is for an mdev"
                        + " vGPU, keyed by its type id (nvidia-230), type name (GRID T4-1Q) or mdev UUID, not by"
                        + " vendor:device");
            }
            if (r.device().isPresent() && !isVendorDevice(key)) {
                throw new IllegalArgumentException("gpuReplacements entry '" + key + "': device is for a"
                        + " passthrough GPU, keyed by its vendor:device (10de:1eb8)");
            }
            out.put(isVendorDevice(key) ? key.toLowerCase(Locale.ROOT) : key, r);
        });
        return Map.copyOf(out);
    }

    /**
     * Whether the mappings say the guest of VM {@code vmName} has virtio drivers: its exact {@code guests} entry,
     * else the longest glob that matches it (ties: the first in key order); false when none does.
     */
    public boolean virtioDrivers(String vmName) {
        GuestRule exact = guests.get(vmName);
        if (exact != null) {
            return exact.virtioDrivers();
        }
        return new TreeMap<>(guests).entrySet().stream().filter(e -> glob(e.getKey(), vmName))
                .max(java.util.Comparator.comparingInt((Map.Entry<String, GuestRule> e) -> e.getKey().length())
                        .thenComparing(Map.Entry::getKey, java.util.Comparator.reverseOrder()))
                .map(e -> e.getValue().virtioDrivers()).orElse(false);
    }

    /** {@code *} any run of characters, {@code ?} one character, anything else itself. */
    static boolean glob(String pattern, String name) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return name.matches(re.toString());
    }

    /** The replacement mapped for the first key present, tried in the order given. */
    public Optional<GpuReplacement> gpuReplacement(List<Optional<String>> keys) {
        for (Optional<String> key : keys) {
            if (key.isPresent()) {
                String k = isVendorDevice(key.get()) ? key.get().toLowerCase(Locale.ROOT) : key.get();
                if (gpuReplacements.containsKey(k)) {
                    return Optional.of(gpuReplacements.get(k));
                }
            }
        }
        return Optional.empty();
    }

    /** These mappings with another GPU target ({@code convert --gpu-target} wins over the file). */
    public Mappings withGpuTarget(GpuTarget target) {
        return new Mappings(networks, storage, gpus, hostDevices, instancetypes, target, dra, evictionStrategy,
                nodeGroups, guests, gpuReplacements);
    }

    /** Each group needs at least one label, each label a key and a value; vendor:device keys lower-case. */
    private static Map<String, Map<String, String>> nodeGroups(Map<String, Map<String, String>> in) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        in.forEach((key, labels) -> {
            if (labels == null || labels.isEmpty()) {
                throw new IllegalArgumentException("nodeGroups entry '" + key + "' has no node labels; give the"
                        + " labels of the nodes that serve it, e.g. '" + key + ": {nvidia.com/vgpu.profile: L40S-8Q}'");
            }
            labels.forEach((label, value) -> {
                if (label == null || label.isBlank() || value == null) {
                    throw new IllegalArgumentException("nodeGroups entry '" + key + "' has a label without a key or"
                            + " value");
                }
            });
            out.put(isVendorDevice(key) ? key.toLowerCase(Locale.ROOT) : key, Map.copyOf(new TreeMap<>(labels)));
        });
        return Map.copyOf(out);
    }

    /** The node labels of the first key present in {@code nodeGroups}, tried in the order given. */
    public Optional<Map<String, String>> nodeGroup(List<Optional<String>> keys) {
        for (Optional<String> key : keys) {
            if (key.isPresent()) {
                String k = isVendorDevice(key.get()) ? key.get().toLowerCase(Locale.ROOT) : key.get();
                if (nodeGroups.containsKey(k)) {
                    return Optional.of(nodeGroups.get(k));
                }
            }
        }
        return Optional.empty();
    }

    /** vendor:device keys are compared lower-case ({@code 10DE:2330} = {@code 10de:2330}); resources must be set. */
    private static Map<String, String> normaliseKeys(Map<String, String> in, String section) {
        Map<String, String> out = new TreeMap<>();
        in.forEach((key, resource) -> {
            if (resource == null || resource.isBlank()) {
                throw new IllegalArgumentException(section + " entry '" + key + "' has no resource name");
            }
            out.put(isVendorDevice(key) ? key.toLowerCase(Locale.ROOT) : key, resource.trim());
        });
        return Map.copyOf(out);
    }

    static boolean isVendorDevice(String key) {
        return key.matches("(?i)[0-9a-f]{4}:[0-9a-f]{4}");
    }

    /** The target of a source network, if mapped. */
    public Optional<NetworkTarget> network(String sourceNetwork) {
        return Optional.ofNullable(networks.get(sourceNetwork));
    }

    /** The GPU resource mapped for the first key present, tried in the order given. */
    public Optional<String> gpuResource(Optional<String> typeId, Optional<String> typeName,
            Optional<String> vendorDevice) {
        for (Optional<String> key : List.of(typeId, typeName, vendorDevice)) {
            if (key.isPresent() && gpus.containsKey(key.get())) {
                return Optional.of(gpus.get(key.get()));
            }
        }
        return Optional.empty();
    }

    /** The resource a {@code hostDevices} entry names for {@code key}; empty when unmapped or mapped to {@value #DROP}. */
    public Optional<String> hostDeviceResource(Optional<String> key) {
        return key.map(hostDevices::get).filter(r -> !r.equals(DROP));
    }

    /** Whether a {@code hostDevices} entry for {@code key} says {@value #DROP}. */
    public boolean dropsHostDevice(Optional<String> key) {
        return key.map(hostDevices::get).filter(DROP::equals).isPresent();
    }

    /** The storage rule for one disk: default, overridden by its pool's rule, overridden by the disk's rule. */
    public StorageRule storageFor(String vmName, String diskTarget, Optional<String> pool) {
        StorageRule rule = storage.defaults();
        if (pool.isPresent() && storage.pools().containsKey(pool.get())) {
            rule = rule.overriddenBy(storage.pools().get(pool.get()));
        }
        StorageRule disk = storage.disks().get(vmName + "/" + diskTarget);
        return disk == null ? rule : rule.overriddenBy(disk);
    }
}
