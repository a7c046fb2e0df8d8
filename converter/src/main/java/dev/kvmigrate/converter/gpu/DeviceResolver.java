package dev.kvmigrate.converter.gpu;

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
 * type name, then mdev UUID; a passthrough GPU by {@code vendor:device}); without one the name is derived as the
 * NVIDIA device plugin derives it; a name that cannot be derived is a blocker, never a guess. The blocker carries
 * the code the scan warned with (GPU_MDEV_MISSING, GPU_TYPE_NAME_UNKNOWN, GPU_PRODUCT_UNKNOWN, HOSTDEV_UNMAPPED).
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
        List<DeviceRequest> gpus = new ArrayList<>();
        List<Concern> concerns = new ArrayList<>();
        boolean ramfbTaken = false;
        for (int i = 0; i < vm.gpus().size(); i++) {
            Gpu gpu = vm.gpus().get(i);
            String field = "gpus[" + i + "]";
            Optional<String> resource = gpuResource(vm.name(), field, gpu, mappings, concerns);
            if (resource.isEmpty()) {
                continue;
            }
            boolean ramfb = gpu.kind() == GpuKind.VGPU && gpu.ramfb() && !ramfbTaken;
            if (gpu.kind() == GpuKind.VGPU && gpu.ramfb() && ramfbTaken) {
                concerns.add(ConcernCode.GPU_RAMFB_DROPPED.at(field, "VM " + vm.name() + ": " + field
                        + " asks for ramfb, but an earlier GPU has it; ramfb is turned off on this one"));
            }
            ramfbTaken |= ramfb;
            gpus.add(new DeviceRequest(gpu.kind() == GpuKind.VGPU ? DeviceRequest.Kind.VGPU
                    : DeviceRequest.Kind.PASSTHROUGH_GPU, resource.get(),
                    gpu.kind() == GpuKind.VGPU ? gpu.mdevTypeName() : Optional.empty(),
                    gpu.kind() == GpuKind.VGPU ? gpu.mdevType() : Optional.empty(),
                    gpu.kind() == GpuKind.PASSTHROUGH ? gpu.vendorDevice() : Optional.empty(),
                    gpu.kind() == GpuKind.VGPU && gpu.display(), ramfb));
        }
        List<DeviceRequest> hostDevices = new ArrayList<>();
        for (int i = 0; i < vm.hostDevices().size(); i++) {
            hostDevice(vm.name(), "hostDevices[" + i + "]", vm.hostDevices().get(i), mappings, concerns)
                    .ifPresent(hostDevices::add);
        }
        return new Resolution(gpus, hostDevices, concerns);
    }

    /**
     * The resource a {@code gpus} mapping names for one GPU: a vGPU by mdev type id, then type name, then mdev UUID
     * (one VM's vGPU whose mdev is gone from the host); a passthrough GPU by {@code vendor:device}.
     */
    public static Optional<String> mappedResource(Gpu gpu, Mappings mappings) {
        return gpu.kind() == GpuKind.VGPU
                ? mappings.gpuResource(gpu.mdevType(), gpu.mdevTypeName(), Optional.empty())
                        .or(() -> gpu.mdevUuid().map(mappings.gpus()::get))
                : mappings.gpuResource(Optional.empty(), Optional.empty(), gpu.vendorDevice());
    }

    /** The resource for one GPU, or empty with a blocker added to {@code concerns}. */
    static Optional<String> gpuResource(String vmName, String field, Gpu gpu, Mappings mappings,
            List<Concern> concerns) {
        Optional<String> mapped = mappedResource(gpu, mappings);
        if (mapped.isPresent()) {
            return mapped;
        }
        String who = "VM " + vmName + ": " + field;
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
        if (dev.kind() == HostDeviceKind.PCI) {
            Optional<String> resource = mappings.hostDeviceResource(dev.vendorDevice());
            if (resource.isPresent()) {
                return Optional.of(new DeviceRequest(DeviceRequest.Kind.PCI_HOST_DEVICE, resource.get(),
                        Optional.empty(), Optional.empty(), dev.vendorDevice(), false, false));
            }
            concerns.add(ConcernCode.HOSTDEV_UNMAPPED.at(field, who + " is a PCI device "
                    + dev.vendorDevice().orElse(dev.address().orElse("of unknown id"))
                    + dev.productName().map(p -> " (" + p + ")").orElse("")
                    + " without a resource mapping; add a hostDevices entry '"
                    + dev.vendorDevice().orElse("vendor:device") + ": <resource name>'"));
            return Optional.empty();
        }
        if (dev.kind() == HostDeviceKind.MDEV) {
            Optional<String> resource = dev.deviceClass().map(mappings.hostDevices()::get);
            if (resource.isPresent()) {
                return Optional.of(new DeviceRequest(DeviceRequest.Kind.MEDIATED_HOST_DEVICE, resource.get(),
                        dev.productName(), dev.deviceClass(), Optional.empty(), false, false));
            }
            concerns.add(ConcernCode.HOSTDEV_UNMAPPED.at(field, who + " is a mediated device of type "
                    + dev.deviceClass().orElse("unknown") + " without a resource mapping; add a hostDevices entry"
                    + " for its mdev type id"));
            return Optional.empty();
        }
        concerns.add(ConcernCode.HOSTDEV_DROPPED.at(field, who + " is a " + dev.kind().name() + " host device, which"
                + " KubeVirt cannot pass through; it is left out"));
        return Optional.empty();
    }
}
