package dev.kvmigrate.converter.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A GPU the target serves with another device than the source's ({@code gpuReplacements} entry): exactly one of
 * the two.
 *
 * @param sriovVf an mdev vGPU (keyed by type id, type name or mdev UUID) becomes an NVIDIA SR-IOV vGPU: the
 *     {@code vendor:device} of the target's virtual functions ({@code 10de:26b9}), served by KubeVirt's PCI device
 *     plugin under the {@code gpus} entry's resource
 * @param device a passthrough GPU (keyed by its {@code vendor:device}) becomes another product: the target GPU's
 *     {@code vendor:device}
 */
public record GpuReplacement(@JsonProperty("sriovVf") Optional<String> sriovVf,
        @JsonProperty("device") Optional<String> device) {
    public GpuReplacement {
        sriovVf = Objects.requireNonNullElse(sriovVf, Optional.<String>empty()).map(GpuReplacement::vendorDevice);
        device = Objects.requireNonNullElse(device, Optional.<String>empty()).map(GpuReplacement::vendorDevice);
        if (sriovVf.isPresent() == device.isPresent()) {
            throw new IllegalArgumentException("a gpuReplacements entry needs exactly one of sriovVf (an mdev vGPU"
                    + " becomes an SR-IOV vGPU) and device (a passthrough GPU becomes another product)");
        }
    }

    private static String vendorDevice(String id) {
        if (!Mappings.isVendorDevice(id.trim())) {
            throw new IllegalArgumentException("gpuReplacements: '" + id + "' is not a vendor:device id such as"
                    + " 10de:26b9");
        }
        return id.trim().toLowerCase(Locale.ROOT);
    }
}
