package dev.kvmigrate.converter.gpu.dra;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One device a DRA driver publishes in a {@code resource.k8s.io/v1} ResourceSlice, as CEL selectors see it.
 *
 * <p>Attribute and capacity names are qualified the way Kubernetes qualifies them for CEL: a name without a domain
 * ({@code type}, {@code deviceID}) belongs to the driver's domain ({@code gpu.nvidia.com}); a qualified one
 * ({@code resource.kubernetes.io/pciBusID}) to its own. So {@code attributes} maps domain → name → value.
 *
 * @param driver the slice's {@code spec.driver} ({@code gpu.nvidia.com})
 * @param pool the slice's {@code spec.pool.name} (NVIDIA's driver: one pool per node, named after it)
 * @param node the slice's {@code spec.nodeName}; empty for network-attached devices
 * @param name the device's {@code name} within the pool ({@code gpu-vfio-0})
 * @param attributes domain → attribute name → value: {@code String}, {@code Long}, {@code Boolean}, or for a
 *     {@code version} attribute its semantic-version string
 * @param capacity domain → capacity name → the quantity as written ({@code 80Gi})
 */
public record DraDevice(String driver, String pool, Optional<String> node, String name,
        Map<String, Map<String, Object>> attributes, Map<String, Map<String, String>> capacity) {
    public DraDevice {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(name, "name");
        node = Objects.requireNonNullElse(node, Optional.empty());
        attributes = copy(attributes);
        capacity = copy(capacity);
    }

    private static <V> Map<String, Map<String, V>> copy(Map<String, Map<String, V>> in) {
        Map<String, Map<String, V>> out = new TreeMap<>();
        Objects.requireNonNullElse(in, Map.<String, Map<String, V>>of())
                .forEach((domain, values) -> out.put(domain, Map.copyOf(new TreeMap<>(values))));
        return Map.copyOf(out);
    }

    /** Where the device is, for messages: {@code node gpu-node-1 (pool gpu-node-1)}. */
    public String where() {
        return node.map(n -> "node " + n + (n.equals(pool) ? "" : " (pool " + pool + ")")).orElse("pool " + pool);
    }
}
