package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A GPU assigned to the VM: an NVIDIA vGPU (mediated device), an NVIDIA SR-IOV vGPU (a virtual function) or a
 * whole GPU by PCI passthrough.
 *
 * <p>For a vGPU the type id ({@code nvidia-230}) is driver-version specific; the type name
 * ({@code GRID T4-1Q}) is what the device plugin advertises, so both are carried whenever known.
 *
 * @param kind vGPU, passthrough or SR-IOV vGPU
 * @param mdevUuid the mediated device UUID (vGPU only)
 * @param mdevType the sysfs mdev type id, e.g. {@code nvidia-230} (vGPU only), when known
 * @param mdevTypeName the vGPU type name, e.g. {@code GRID T4-1Q}; for an SR-IOV vGPU its profile
 *     ({@code NVIDIA L40S-8Q}) when the source tells it
 * @param pciAddress the PCI address {@code 0000:3b:00.0}: the parent GPU of a vGPU, the passed-through GPU, or
 *     the virtual function of an SR-IOV vGPU
 * @param vendorId PCI vendor id, four lower-case hex digits without {@code 0x} ({@code 10de}), when known
 * @param deviceId PCI device id, four lower-case hex digits ({@code 1eb8}; an SR-IOV vGPU's VF id), when known
 * @param productName pci.ids product name ({@code TU104GL [Tesla T4]}), when known
 * @param display vGPU display on (libvirt {@code display='on'}, oVirt without {@code nodisplay})
 * @param ramfb vGPU ramfb boot display on
 * @param driverParams vGPU driver parameters (oVirt {@code driverParams}), when set
 * @param physFunction the physical function {@code 0000:c1:00.0} of the VF: an SR-IOV vGPU's, or the VF an mdev
 *     vGPU is carved from on an Ampere board with SR-IOV on; when known
 */
public record Gpu(
        GpuKind kind,
        Optional<String> mdevUuid,
        Optional<String> mdevType,
        Optional<String> mdevTypeName,
        Optional<String> pciAddress,
        Optional<String> vendorId,
        Optional<String> deviceId,
        Optional<String> productName,
        boolean display,
        boolean ramfb,
        Optional<String> driverParams,
        Optional<String> physFunction) {
    public Gpu {
        Objects.requireNonNull(kind, "kind");
        mdevUuid = Objects.requireNonNullElse(mdevUuid, Optional.empty());
        mdevType = Objects.requireNonNullElse(mdevType, Optional.empty());
        mdevTypeName = Objects.requireNonNullElse(mdevTypeName, Optional.empty());
        pciAddress = Objects.requireNonNullElse(pciAddress, Optional.empty());
        vendorId = Objects.requireNonNullElse(vendorId, Optional.<String>empty()).map(Gpu::hex4);
        deviceId = Objects.requireNonNullElse(deviceId, Optional.<String>empty()).map(Gpu::hex4);
        productName = Objects.requireNonNullElse(productName, Optional.empty());
        driverParams = Objects.requireNonNullElse(driverParams, Optional.empty());
        physFunction = Objects.requireNonNullElse(physFunction, Optional.empty());
    }

    /** A GPU that is no SR-IOV vGPU: without a physical function. */
    public Gpu(GpuKind kind, Optional<String> mdevUuid, Optional<String> mdevType, Optional<String> mdevTypeName,
            Optional<String> pciAddress, Optional<String> vendorId, Optional<String> deviceId,
            Optional<String> productName, boolean display, boolean ramfb, Optional<String> driverParams) {
        this(kind, mdevUuid, mdevType, mdevTypeName, pciAddress, vendorId, deviceId, productName, display, ramfb,
                driverParams, Optional.empty());
    }

    /** Normalises {@code 0x10DE}, {@code 10de}, {@code 0x10de} to {@code 10de}. */
    static String hex4(String id) {
        String s = id.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.startsWith("0x")) {
            s = s.substring(2);
        }
        while (s.length() < 4) {
            s = "0" + s;
        }
        return s;
    }

    /** {@code 10de:1eb8} when both ids are known. */
    public Optional<String> vendorDevice() {
        return vendorId.flatMap(v -> deviceId.map(d -> v + ":" + d));
    }
}
