package dev.kvmigrate.converter.gpu;

import dev.kvmigrate.converter.mapping.EvictionStrategy;
import java.util.List;
import java.util.Optional;

/**
 * The eviction strategy of a VM that cannot live-migrate. A passthrough GPU or host device never migrates; a vGPU
 * migrates only behind KubeVirt's alpha {@code VGPULiveMigration} gate. Such a VM with {@code LiveMigrate} (often
 * set cluster-wide) blocks node drains, so it gets {@code None} (shut down on a drain) unless the mappings choose
 * otherwise. Pure.
 */
public final class Eviction {
    private Eviction() {}

    /** Why the VM cannot live-migrate; empty when its devices do not stop it. */
    public static Optional<String> reason(List<DeviceRequest> devices) {
        if (devices.stream().anyMatch(d -> !d.isMediated())) {
            return Optional.of("a passthrough GPU or host device never live-migrates");
        }
        if (!devices.isEmpty()) {
            return Optional.of("a vGPU live-migrates only behind the alpha VGPULiveMigration feature gate");
        }
        return Optional.empty();
    }

    /** The strategy to write: the mapped one or {@code None} for a VM that cannot live-migrate; else none. */
    public static Optional<EvictionStrategy> strategy(List<DeviceRequest> devices,
            Optional<EvictionStrategy> mapped) {
        return reason(devices).map(r -> mapped.orElse(EvictionStrategy.NONE));
    }
}
