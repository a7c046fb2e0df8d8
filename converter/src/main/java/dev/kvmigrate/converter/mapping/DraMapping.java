package dev.kvmigrate.converter.mapping;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How passthrough GPUs are claimed with {@code gpuTarget: dra}: the DeviceClass of every request and, per source
 * GPU {@code vendor:device}, a CEL selector that replaces the default one (vendor and device id of NVIDIA's DRA
 * driver attributes).
 *
 * @param deviceClass the DeviceClass requested; absent: {@value #DEFAULT_DEVICE_CLASS}
 * @param selectors {@code vendor:device} ({@code 10de:20b0}) → CEL expression
 */
public record DraMapping(Optional<String> deviceClass, Map<String, String> selectors) {
    /** NVIDIA's DRA driver DeviceClass for VFIO passthrough, the one KubeVirt uses. */
    public static final String DEFAULT_DEVICE_CLASS = "vfio.gpu.nvidia.com";
    public static final DraMapping NONE = new DraMapping(Optional.empty(), Map.of());

    public DraMapping {
        deviceClass = Objects.requireNonNullElse(deviceClass, Optional.<String>empty()).map(String::trim);
        if (deviceClass.filter(String::isEmpty).isPresent()) {
            throw new IllegalArgumentException("dra.deviceClass is empty; name a DeviceClass or leave it out");
        }
        Map<String, String> out = new TreeMap<>();
        Objects.requireNonNullElse(selectors, Map.<String, String>of()).forEach((key, cel) -> {
            if (!Mappings.isVendorDevice(key)) {
                throw new IllegalArgumentException("dra.selectors key '" + key + "' is not a vendor:device id"
                        + " such as 10de:20b0");
            }
            if (cel == null || cel.isBlank()) {
                throw new IllegalArgumentException("dra.selectors entry '" + key + "' has no CEL expression");
            }
            out.put(key.toLowerCase(Locale.ROOT), cel.trim());
        });
        selectors = Map.copyOf(out);
    }

    /** The DeviceClass every DRA request names. */
    public String deviceClassOrDefault() {
        return deviceClass.orElse(DEFAULT_DEVICE_CLASS);
    }

    /** The CEL selector mapped for a {@code vendor:device} id, if any. */
    public Optional<String> selector(String vendorDevice) {
        return Optional.ofNullable(selectors.get(vendorDevice.toLowerCase(Locale.ROOT)));
    }
}
