package dev.kvmigrate.converter.gpu;

import dev.kvmigrate.converter.mapping.GpuReplacement;
import dev.kvmigrate.converter.mapping.GpuTarget;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.HostDeviceKind;
import dev.kvmigrate.inventory.model.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a VM's GPUs and host devices into resource requests. A mapping always wins (a vGPU by mdev type id, then
 * type name, then mdev UUID; a passthrough GPU by {@code vendor:device}; an SR-IOV vGPU by profile name, then VF
 * {@code vendor:device}); without one the name is derived as the NVIDIA device plugin derives it; a name that
 * cannot be derived is a blocker, never a guess. The blocker carries the code the scan warned with
 * (GPU_MDEV_MISSING, GPU_TYPE_NAME_UNKNOWN, GPU_PRODUCT_UNKNOWN, GPU_SRIOV_UNMAPPED, HOSTDEV_UNMAPPED). An SR-IOV
 * vGPU always needs a mapping: KubeVirt's PCI device plugin advertises it under the name the admin chose.
 *
 * <p>With {@code gpuTarget: dra} a passthrough GPU DRA can select ({@link DraClaims#selector}) is claimed through
 * DRA and needs no resource name; vGPUs and the passthrough GPUs it cannot select stay on the device plugin.
 *
 * <p>Host devices: a {@code hostDevices} entry names the resource, or says {@code drop} (INFO
 * HOSTDEV_DROPPED_BY_MAPPING). A GPU's companion function (HDMI audio, USB-C, UCSI) without an entry is left out
 * with an INFO (GPU_COMPANION_DROPPED), never a blocker: the GPU is what the guest needs.
 */
public final class DeviceResolver {
    private static final String NVIDIA_VENDOR = "10de";

    private DeviceResolver() {}

    /** What the devices of one VM become. */
    public record Resolution(List<DeviceRequest> gpus, List<DeviceRequest> hostDevices, List<Concern> concerns) {
        public Resolution {
            gpus = List.copyOf(gpus);
            hostDevices = List.copyOf(hostDevices);
            concerns = List.copyOf(concerns);
        }
    }

    public static Resolution resolve(Vm vm, Mappings mappings) {
        return resolve(vm, mappings, Optional.empty());
    }

    /**
     * Resolves the VM's devices; with a cluster its names win over derived ones (INFO GPU_NAME_FROM_CLUSTER) and
     * name devices nothing else can (a GPU of another vendor, an SR-IOV VF the CR permits), while a mapping that
     * disagrees with it is kept with a warning.
     */
    public static Resolution resolve(Vm vm, Mappings mappings, Optional<ClusterGpus> cluster) {
        List<DeviceRequest> gpus = new ArrayList<>();
        List<Concern> concerns = new ArrayList<>();
        boolean ramfbTaken = false;
        for (int i = 0; i < vm.gpus().size(); i++) {
            Gpu source = vm.gpus().get(i);
            Gpu gpu = replacement(source, mappings).map(r -> replaced(source, r)).orElse(source);
            // A replaced GPU's gpus entry may be keyed like the source GPU or like its replacement.
            Optional<String> mappedBySource = gpu == source ? Optional.empty() : mappedResource(source, mappings);
            String field = "gpus[" + i + "]";
            String who = "VM " + vm.name() + ": " + field;
            Optional<String> draSelector = mappings.gpuTarget() == GpuTarget.DRA
                    ? DraClaims.selector(gpu, mappings.dra()) : Optional.empty();
            if (draSelector.isPresent()) {
                gpus.add(new DeviceRequest(DeviceRequest.Kind.PASSTHROUGH_GPU, mappings.dra().deviceClassOrDefault(),
                        Optional.empty(), Optional.empty(), gpu.vendorDevice(), false, false, false, draSelector));
                continue;
            }
            Optional<String> resource = named(vm.name(), who, field, gpu, mappedBySource, mappings, cluster,
                    concerns);
            if (resource.isEmpty()) {
                continue;
            }
            if (mappings.gpuTarget() == GpuTarget.DRA) {
                concerns.add(ConcernCode.GPU_DRA_NOT_CLAIMED.at(field, who + " stays on the device plugin as "
                        + resource.get() + ": " + DraClaims.notClaimedBecause(gpu)));
            }
            boolean ramfb = gpu.kind() == GpuKind.VGPU && gpu.ramfb() && !ramfbTaken;
            if (gpu.kind() == GpuKind.VGPU && gpu.ramfb() && ramfbTaken) {
                concerns.add(ConcernCode.GPU_RAMFB_DROPPED.at(field, who + " asks for ramfb, but an earlier GPU has"
                        + " it; ramfb is turned off on this one"));
            }
            ramfbTaken |= ramfb;
            // An SR-IOV vGPU is requested like a passthrough GPU (gpus[] + pciHostDevices by the VF's ids), but
            // KubeVirt's own PCI device plugin serves it.
            boolean vgpu = gpu.kind() == GpuKind.VGPU;
            DeviceRequest request = new DeviceRequest(vgpu ? DeviceRequest.Kind.VGPU
                    : DeviceRequest.Kind.PASSTHROUGH_GPU, resource.get(), vgpu ? gpu.mdevTypeName() : Optional.empty(),
                    vgpu ? gpu.mdevType() : Optional.empty(), vgpu ? Optional.empty() : gpu.vendorDevice(),
                    vgpu && gpu.display(), ramfb, gpu.kind() == GpuKind.SRIOV_VGPU, Optional.empty());
            Optional<java.util.Map<String, String>> group = mappings.nodeGroup(List.of(source.mdevTypeName(),
                    source.mdevType(), gpu.vendorDevice()));
            if (group.isPresent()) {
                request = request.withNodeSelector(group.get());
            }
            if (gpu.kind() == GpuKind.SRIOV_VGPU) {
                sriovConcerns(who, field, gpu, group.isPresent(), cluster, concerns);
            }
            gpus.add(request);
        }
        List<DeviceRequest> hostDevices = new ArrayList<>();
        for (int i = 0; i < vm.hostDevices().size(); i++) {
            String field = "hostDevices[" + i + "]";
            hostDevice(vm.name(), field, vm.hostDevices().get(i), mappings, concerns)
                    .map(r -> checkedAgainstCluster("VM " + vm.name() + ": " + field, field, r, cluster, concerns))
                    .ifPresent(hostDevices::add);
        }
        return new Resolution(gpus, hostDevices, concerns);
    }

    /**
     * The resource of one device-plugin GPU: the mapping's (checked against the cluster), else the cluster's name,
     * else the derived one; empty with a blocker when none is known.
     */
    private static Optional<String> named(String vmName, String who, String field, Gpu gpu,
            Optional<String> mappedBySource, Mappings mappings, Optional<ClusterGpus> cluster,
            List<Concern> concerns) {
        boolean mediated = gpu.kind() == GpuKind.VGPU;
        Optional<String> mapped = mappedBySource.or(() -> mappedResource(gpu, mappings));
        if (mapped.isPresent()) {
            cluster.flatMap(c -> ClusterNames.lookup(mediated, gpu.mdevTypeName(), gpu.vendorDevice(), mapped, c))
                    .filter(n -> !n.resource().equals(mapped.get()))
                    .ifPresent(n -> concerns.add(ConcernCode.GPU_NAME_CLUSTER_DIFFERS.at(field, who + ": the gpus"
                            + " mapping names " + mapped.get() + " but the cluster calls it " + n.resource() + " ("
                            + n.source() + "); the mapping is kept, fix it if the cluster is right")));
            return mapped;
        }
        List<Concern> pending = new ArrayList<>();
        Optional<String> derived = gpuResource(vmName, field, gpu, mappings, pending);
        Optional<ClusterNames.Named> named = cluster.flatMap(c -> ClusterNames.lookup(mediated, gpu.mdevTypeName(),
                gpu.vendorDevice(), derived, c));
        if (named.isEmpty() || derived.filter(named.get().resource()::equals).isPresent()) {
            concerns.addAll(pending);
            return derived;
        }
        concerns.add(ConcernCode.GPU_NAME_FROM_CLUSTER.at(field, who + ": " + derived.map(d -> "derived " + d)
                .orElse("no name could be derived (" + pending.stream().map(Concern::code).findFirst().orElse("")
                        + ")") + "; the cluster names it " + named.get().resource() + " (" + named.get().source()
                + "), which is used"));
        return Optional.of(named.get().resource());
    }

    /** A mapped host device whose resource the cluster calls something else: kept, with a warning. */
    private static DeviceRequest checkedAgainstCluster(String who, String field, DeviceRequest r,
            Optional<ClusterGpus> cluster, List<Concern> concerns) {
        cluster.flatMap(c -> ClusterNames.lookup(r.isMediated(), r.mdevTypeName(), r.vendorDevice(),
                Optional.of(r.resource()), c)).filter(n -> !n.resource().equals(r.resource()))
                .ifPresent(n -> concerns.add(ConcernCode.GPU_NAME_CLUSTER_DIFFERS.at(field, who + ": the hostDevices"
                        + " mapping names " + r.resource() + " but the cluster calls it " + n.resource() + " ("
                        + n.source() + "); the mapping is kept, fix it if the cluster is right")));
        return r;
    }

    /** An SR-IOV vGPU without a node group, or with a display: what the target cannot promise. */
    private static void sriovConcerns(String who, String field, Gpu gpu, boolean grouped,
            Optional<ClusterGpus> cluster, List<Concern> concerns) {
        String key = gpu.mdevTypeName().or(gpu::vendorDevice).orElse("its profile");
        if (!grouped) {
            concerns.add(ConcernCode.GPU_SRIOV_NO_NODE_GROUP.at(field, who + " is an SR-IOV vGPU"
                    + gpu.mdevTypeName().map(n -> " of profile " + n).orElse("") + "; its VFs share "
                    + gpu.vendorDevice().orElse("the card's vendor:device") + " with VFs of every other profile, so"
                    + " the VM may get a VF of another profile; add a nodeGroups entry '" + key
                    + ": {<label>: <value>}' naming the nodes whose VFs carry it"));
        }
        if (gpu.display()) {
            Optional<String> version = cluster.flatMap(ClusterGpus::kubevirtVersion);
            boolean ok = GpuTargets.atLeast(version, 1, 9);
            concerns.add(ConcernCode.GPU_SRIOV_DISPLAY.at(field, who + " had a display on the source; KubeVirt gives"
                    + " an SR-IOV vGPU a display only from v1.9" + version.map(v -> ok ? " (the cluster runs " + v
                            + ": supported)" : "; the cluster runs " + v + ", so the guest gets no vGPU display")
                            .orElse("; check the target's KubeVirt version")));
        }
    }

    /**
     * The resource a {@code gpus} entry names for a source GPU, keyed like the GPU itself or, when a
     * {@code gpuReplacements} entry replaces it, like its replacement (an SR-IOV VF's or another product's
     * {@code vendor:device}).
     */
    public static Optional<String> mappedResourceOrReplacement(Gpu gpu, Mappings mappings) {
        return mappedResource(gpu, mappings).or(() -> replacement(gpu, mappings)
                .flatMap(r -> mappedResource(replaced(gpu, r), mappings)));
    }

    /**
     * The {@code gpuReplacements} entry that applies to a GPU: for an mdev vGPU (by type id, type name, mdev UUID) one
     * with {@code sriovVf}, for a passthrough GPU (by {@code vendor:device}) one with another {@code device}.
     */
    public static Optional<GpuReplacement> replacement(Gpu gpu, Mappings mappings) {
        return switch (gpu.kind()) {
            case VGPU -> mappings.gpuReplacement(List.of(gpu.mdevType(), gpu.mdevTypeName(), gpu.mdevUuid()))
                    .filter(r -> r.sriovVf().isPresent());
            case PASSTHROUGH -> mappings.gpuReplacement(List.of(gpu.vendorDevice()))
                    .filter(r -> r.device().isPresent() && !r.device().equals(gpu.vendorDevice()));
            case SRIOV_VGPU -> Optional.empty();
        };
    }

    /**
     * The GPU the target serves instead: an SR-IOV vGPU on a VF of the replacement's ids (its profile is the target's,
     * unknown here), or a passthrough GPU of the replacement's ids (its product name unknown here).
     */
    static Gpu replaced(Gpu gpu, GpuReplacement r) {
        if (r.sriovVf().isPresent()) {
            String[] ids = r.sriovVf().get().split(":");
            return new Gpu(GpuKind.SRIOV_VGPU, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(ids[0]), Optional.of(ids[1]), Optional.empty(), gpu.display(), false,
                    Optional.empty(), Optional.empty());
        }
        String[] ids = r.device().orElseThrow().split(":");
        return new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(), gpu.pciAddress(),
                Optional.of(ids[0]), Optional.of(ids[1]), Optional.empty(), false, false, Optional.empty());
    }

    /**
     * The resource a {@code gpus} mapping names for one GPU: a vGPU by mdev type id, then type name, then mdev UUID
     * (one VM's vGPU whose mdev is gone from the host); a passthrough GPU by {@code vendor:device}; an SR-IOV vGPU by
     * profile name, then VF {@code vendor:device}.
     */
    public static Optional<String> mappedResource(Gpu gpu, Mappings mappings) {
        return switch (gpu.kind()) {
            case VGPU -> mappings.gpuResource(gpu.mdevType(), gpu.mdevTypeName(), Optional.empty())
                    .or(() -> gpu.mdevUuid().map(mappings.gpus()::get));
            case PASSTHROUGH -> mappings.gpuResource(Optional.empty(), Optional.empty(), gpu.vendorDevice());
            case SRIOV_VGPU -> mappings.gpuResource(Optional.empty(), gpu.mdevTypeName(), gpu.vendorDevice());
        };
    }

    /** The resource for one GPU, or empty with a blocker added to {@code concerns}. */
    static Optional<String> gpuResource(String vmName, String field, Gpu gpu, Mappings mappings,
            List<Concern> concerns) {
        Optional<String> mapped = mappedResource(gpu, mappings);
        if (mapped.isPresent()) {
            return mapped;
        }
        String who = "VM " + vmName + ": " + field;
        if (gpu.kind() == GpuKind.SRIOV_VGPU) {
            concerns.add(ConcernCode.GPU_SRIOV_UNMAPPED.at(field, who + " is an SR-IOV vGPU (VF "
                    + gpu.pciAddress().orElse("?") + gpu.physFunction().map(pf -> " of " + pf).orElse("") + ")"
                    + gpu.mdevTypeName().map(n -> " of profile " + n).orElse(" whose vGPU profile is unknown")
                    + "; add a gpus entry for " + gpu.mdevTypeName().map(n -> "'" + n + "'")
                            .orElse("its profile name (nvidia/current_vgpu_type of the VF on the source host)")
                    + gpu.vendorDevice().map(vd -> " or '" + vd + "'").orElse("")
                    + " naming the resourceName the KubeVirt CR's pciHostDevices give such VFs"));
            return Optional.empty();
        }
        if (gpu.kind() == GpuKind.VGPU) {
            if (gpu.mdevTypeName().isPresent() && !gpu.mdevTypeName().get().isBlank()) {
                return Optional.of(GpuResourceNames.vgpu(gpu.mdevTypeName().get()));
            }
            if (gpu.mdevType().isEmpty()) {
                concerns.add(ConcernCode.GPU_MDEV_MISSING.at(field, who + " is a vGPU whose mdev "
                        + gpu.mdevUuid().orElse("(no uuid)") + " is gone from the host, so its type is unknown;"
                        + " add a gpus entry " + gpu.mdevUuid().map(u -> "'" + u + "' ").orElse("")
                        + "naming its resource, e.g. nvidia.com/GRID_T4-1Q, or recreate the mdev and scan again"));
            } else {
                concerns.add(ConcernCode.GPU_TYPE_NAME_UNKNOWN.at(field, who + " is a vGPU of type "
                        + gpu.mdevType().get() + " whose type name is unknown; add a gpus entry for '"
                        + gpu.mdevType().get() + "' naming its resource, e.g. nvidia.com/GRID_T4-1Q"));
            }
            return Optional.empty();
        }
        boolean nvidia = gpu.vendorId().map(NVIDIA_VENDOR::equals).orElse(false);
        if (nvidia && gpu.productName().isPresent() && !gpu.productName().get().isBlank()) {
            return Optional.of(GpuResourceNames.passthrough(gpu.productName().get()));
        }
        if (nvidia && gpu.deviceId().isPresent()) {
            String resource = GpuResourceNames.bareDeviceId(gpu.deviceId().get());
            concerns.add(ConcernCode.GPU_RESOURCE_FROM_DEVICE_ID.at(field, who + " (" + gpu.vendorDevice().get()
                    + ") has no known product name; requesting " + resource + " as the device plugin names it when"
                    + " pci.ids lacks the id; add a gpus entry for " + gpu.vendorDevice().get() + " if the cluster"
                    + " advertises another name"));
            return Optional.of(resource);
        }
        String key = gpu.vendorDevice().map(vd -> "'" + vd + "'").orElse("its vendor:device id");
        concerns.add(ConcernCode.GPU_PRODUCT_UNKNOWN.at(field, who + " is a passthrough GPU"
                + (nvidia ? " with unknown device id" : " not made by NVIDIA" + gpu.vendorDevice()
                        .map(vd -> " (" + vd + ")").orElse(""))
                + "; add a gpus entry for " + key + " naming the resource the cluster advertises"));
        return Optional.empty();
    }

    static Optional<DeviceRequest> hostDevice(String vmName, String field, HostDevice dev, Mappings mappings,
            List<Concern> concerns) {
        String who = "VM " + vmName + ": " + field;
        Optional<String> key = dev.kind() == HostDeviceKind.MDEV ? dev.deviceClass() : dev.vendorDevice();
        String what = dev.kind().name() + " device " + dev.vendorDevice().or(dev::address).orElse("of unknown id")
                + dev.productName().map(p -> " (" + p + ")").orElse("");
        if (mappings.dropsHostDevice(key)) {
            concerns.add(ConcernCode.HOSTDEV_DROPPED_BY_MAPPING.at(field, who + " is a " + what + "; left out as"
                    + " the hostDevices entry '" + key.get() + ": " + Mappings.DROP + "' says"));
            return Optional.empty();
        }
        Optional<String> resource = mappings.hostDeviceResource(key);
        if (dev.kind() == HostDeviceKind.PCI) {
            if (resource.isPresent()) {
                return Optional.of(new DeviceRequest(DeviceRequest.Kind.PCI_HOST_DEVICE, resource.get(),
                        Optional.empty(), Optional.empty(), dev.vendorDevice(), false, false));
            }
            if (dev.companionOf().isPresent()) {
                concerns.add(ConcernCode.GPU_COMPANION_DROPPED.at(field, who + " is " + dev.address().orElse("?")
                        + dev.vendorDevice().map(vd -> " (" + vd + ")").orElse("") + ", a companion function of the"
                        + " GPU " + dev.companionOf().get() + " (HDMI audio, USB-C or UCSI); left out, the GPU is"
                        + " carried; add a hostDevices entry '" + dev.vendorDevice().orElse("vendor:device")
                        + ": <resource name>' to carry it too"));
                return Optional.empty();
            }
            concerns.add(ConcernCode.HOSTDEV_UNMAPPED.at(field, who + " is a PCI device "
                    + dev.vendorDevice().orElse(dev.address().orElse("of unknown id"))
                    + dev.productName().map(p -> " (" + p + ")").orElse("")
                    + " without a resource mapping; add a hostDevices entry '"
                    + dev.vendorDevice().orElse("vendor:device") + ": <resource name>' (or ': drop' to leave it"
                    + " out)"));
            return Optional.empty();
        }
        if (dev.kind() == HostDeviceKind.MDEV) {
            if (resource.isPresent()) {
                return Optional.of(new DeviceRequest(DeviceRequest.Kind.MEDIATED_HOST_DEVICE, resource.get(),
                        dev.productName(), dev.deviceClass(), Optional.empty(), false, false));
            }
            concerns.add(ConcernCode.HOSTDEV_UNMAPPED.at(field, who + " is a mediated device of type "
                    + dev.deviceClass().orElse("unknown") + " without a resource mapping; add a hostDevices entry"
                    + " for its mdev type id (or ': drop' to leave it out)"));
            return Optional.empty();
        }
        concerns.add(ConcernCode.HOSTDEV_DROPPED.at(field, who + " is a " + dev.kind().name() + " host device, which"
                + " KubeVirt cannot pass through; it is left out"));
        return Optional.empty();
    }
}
