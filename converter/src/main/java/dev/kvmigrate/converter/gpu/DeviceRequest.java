package dev.kvmigrate.converter.gpu;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One device a VM asks the cluster for, with what the KubeVirt CR needs to permit it.
 *
 * @param kind vGPU, passthrough GPU (an SR-IOV vGPU's VF too) or other host device
 * @param resource the device-plugin resource name ({@code nvidia.com/GRID_T4-1Q}), used as {@code deviceName};
 *     for a device claimed through DRA the DeviceClass ({@code vfio.gpu.nvidia.com})
 * @param mdevTypeName the mdev type name, the CR's {@code mdevNameSelector} (vGPU and mediated host devices)
 * @param mdevTypeId the sysfs mdev type id ({@code nvidia-230}) for {@code mediatedDeviceTypes}
 * @param vendorDevice {@code 10de:2330}, the CR's {@code pciVendorSelector} (PCI devices; an SR-IOV vGPU's VF)
 * @param display vGPU display on
 * @param ramfb vGPU ramfb boot display on (after the one-ramfb-per-VM rule)
 * @param kubevirtProvided the resource is advertised by KubeVirt's own PCI device plugin whatever its name
 *     ({@code externalResourceProvider: false}): an NVIDIA SR-IOV vGPU's VF
 * @param draSelector present when the device is claimed through DRA instead of a device plugin: the CEL
 *     expression that selects it within the DeviceClass {@code resource}
 * @param nodeSelector the node labels of the node group that serves the device (mappings' {@code nodeGroups}); an
 *     SR-IOV vGPU's VM is pinned there, a vGPU type is created there
 */
public record DeviceRequest(Kind kind, String resource, Optional<String> mdevTypeName, Optional<String> mdevTypeId,
        Optional<String> vendorDevice, boolean display, boolean ramfb, boolean kubevirtProvided,
        Optional<String> draSelector, Map<String, String> nodeSelector) {
    /** Kinds of requested device. */
    public enum Kind {
        VGPU,
        PASSTHROUGH_GPU,
        MEDIATED_HOST_DEVICE,
        PCI_HOST_DEVICE
    }

    /** A request for a resource whose provider follows from its name (no SR-IOV vGPU). */
    public DeviceRequest(Kind kind, String resource, Optional<String> mdevTypeName, Optional<String> mdevTypeId,
            Optional<String> vendorDevice, boolean display, boolean ramfb) {
        this(kind, resource, mdevTypeName, mdevTypeId, vendorDevice, display, ramfb, false, Optional.empty(),
                Map.of());
    }

    /** A request as the full constructor takes it, in no node group. */
    public DeviceRequest(Kind kind, String resource, Optional<String> mdevTypeName, Optional<String> mdevTypeId,
            Optional<String> vendorDevice, boolean display, boolean ramfb, boolean kubevirtProvided,
            Optional<String> draSelector) {
        this(kind, resource, mdevTypeName, mdevTypeId, vendorDevice, display, ramfb, kubevirtProvided, draSelector,
                Map.of());
    }

    /** This request for another resource name (the cluster's name for it). */
    public DeviceRequest withResource(String name) {
        return new DeviceRequest(kind, name, mdevTypeName, mdevTypeId, vendorDevice, display, ramfb,
                kubevirtProvided, draSelector, nodeSelector);
    }

    /** This request served by the node group with these labels. */
    public DeviceRequest withNodeSelector(Map<String, String> labels) {
        return new DeviceRequest(kind, resource, mdevTypeName, mdevTypeId, vendorDevice, display, ramfb,
                kubevirtProvided, draSelector, labels);
    }

    public DeviceRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        mdevTypeName = Objects.requireNonNullElse(mdevTypeName, Optional.empty());
        mdevTypeId = Objects.requireNonNullElse(mdevTypeId, Optional.empty());
        vendorDevice = Objects.requireNonNullElse(vendorDevice, Optional.empty());
        draSelector = Objects.requireNonNullElse(draSelector, Optional.empty());
        nodeSelector = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNullElse(nodeSelector,
                Map.of())));
    }

    /** Whether the device is claimed through DRA (a ResourceClaimTemplate request) rather than a device plugin. */
    public boolean isDra() {
        return draSelector.isPresent();
    }

    /** Whether KubeVirt lists it under {@code devices.gpus} (else {@code devices.hostDevices}). */
    public boolean isGpu() {
        return kind == Kind.VGPU || kind == Kind.PASSTHROUGH_GPU;
    }

    /** Whether the device is mediated (permitted by {@code mdevNameSelector}). */
    public boolean isMediated() {
        return kind == Kind.VGPU || kind == Kind.MEDIATED_HOST_DEVICE;
    }
}
