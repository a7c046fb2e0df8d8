package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A host device assigned to the VM that is not a GPU.
 *
 * @param kind PCI, USB, SCSI, a non-GPU mediated device, or other
 * @param address bus address ({@code 0000:af:00.1}, USB {@code bus.device}, SCSI {@code host:bus:target:unit}),
 *     or the mdev UUID
 * @param vendorId vendor id, four lower-case hex digits, when known
 * @param deviceId device/product id, four lower-case hex digits, when known
 * @param vendorName vendor name, when known
 * @param productName product name, when known
 * @param deviceClass PCI class ({@code 0x020000}) or mdev type id, when known
 * @param companionOf for a GPU's other function passed alongside it (HDMI audio {@code .1}, USB-C / UCSI
 *     {@code .2}/{@code .3}): the PCI address of that GPU ({@link GpuCompanions})
 */
public record HostDevice(HostDeviceKind kind, Optional<String> address, Optional<String> vendorId,
        Optional<String> deviceId, Optional<String> vendorName, Optional<String> productName,
        Optional<String> deviceClass, Optional<String> companionOf) {
    public HostDevice {
        Objects.requireNonNull(kind, "kind");
        address = Objects.requireNonNullElse(address, Optional.empty());
        vendorId = Objects.requireNonNullElse(vendorId, Optional.<String>empty()).map(Gpu::hex4);
        deviceId = Objects.requireNonNullElse(deviceId, Optional.<String>empty()).map(Gpu::hex4);
        vendorName = Objects.requireNonNullElse(vendorName, Optional.empty());
        productName = Objects.requireNonNullElse(productName, Optional.empty());
        deviceClass = Objects.requireNonNullElse(deviceClass, Optional.empty());
        companionOf = Objects.requireNonNullElse(companionOf, Optional.empty());
    }

    /** A host device that is no GPU's companion. */
    public HostDevice(HostDeviceKind kind, Optional<String> address, Optional<String> vendorId,
            Optional<String> deviceId, Optional<String> vendorName, Optional<String> productName,
            Optional<String> deviceClass) {
        this(kind, address, vendorId, deviceId, vendorName, productName, deviceClass, Optional.empty());
    }

    /** This device as a companion function of the GPU at {@code gpuAddress}. */
    public HostDevice asCompanionOf(String gpuAddress) {
        return new HostDevice(kind, address, vendorId, deviceId, vendorName, productName, deviceClass,
                Optional.of(gpuAddress));
    }

    /** {@code 8086:10c9} when both ids are known. */
    public Optional<String> vendorDevice() {
        return vendorId.flatMap(v -> deviceId.map(d -> v + ":" + d));
    }
}
