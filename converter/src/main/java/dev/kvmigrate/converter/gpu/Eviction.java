package dev.kvmigrate.converter.gpu;

import dev.kvmigrate.converter.mapping.EvictionStrategy;
import java.util.List;
import java.util.Optional;

/**
 * The eviction strategy of a VM whose devices stop it from live-migrating. A passthrough GPU or host device never
 * migrates; a VM with a single mediated vGPU migrates only behind KubeVirt's alpha {@code VGPULiveMigration} gate
 * (v1.8+), with its volumes on shared (RWX) storage. Such a VM with {@code LiveMigrate} (often set cluster-wide)
 * blocks node drains, so it gets {@code None} (shut down on a drain) unless the mappings choose otherwise; a
 * single-vGPU VM may opt into {@code LiveMigrate}, a VM that can never migrate may not. Pure.
 */
public final class Eviction {
    /** KubeVirt's alpha gate for live-migrating a VM with one mediated vGPU. */
    public static final String GATE_VGPU_LIVE_MIGRATION = "VGPULiveMigration";

    private Eviction() {}

    /** Why the VM cannot live-migrate as it is; empty when its devices do not stop it. */
    public static Optional<String> reason(List<DeviceRequest> devices) {
        if (devices.stream().anyMatch(DeviceRequest::kubevirtProvided)) {
            return Optional.of("an SR-IOV vGPU (a VF passed through) does not live-migrate");
        }
        if (devices.stream().anyMatch(d -> !d.isMediated())) {
            return Optional.of("a passthrough GPU or host device never live-migrates");
        }
        if (devices.size() > 1) {
            return Optional.of("a VM with more than one mediated device does not live-migrate");
        }
        if (!devices.isEmpty()) {
            return Optional.of("a vGPU live-migrates only behind the alpha " + GATE_VGPU_LIVE_MIGRATION
                    + " feature gate, with its volumes on RWX storage");
        }
        return Optional.empty();
    }

    /** Whether the VM migrates once {@value #GATE_VGPU_LIVE_MIGRATION} is on: exactly one mediated vGPU. */
    public static boolean migratesWithGate(List<DeviceRequest> devices) {
        return devices.size() == 1 && devices.get(0).kind() == DeviceRequest.Kind.VGPU;
    }

    /**
     * The strategy to write: none when the devices do not stop migration; {@code LiveMigrate} only for a VM that
     * migrates with the gate; otherwise the mapped one, or {@code None}.
     */
    public static Optional<EvictionStrategy> strategy(List<DeviceRequest> devices,
            Optional<EvictionStrategy> mapped) {
        if (reason(devices).isEmpty()) {
            return Optional.empty();
        }
        EvictionStrategy chosen = mapped.orElse(EvictionStrategy.NONE);
        return Optional.of(chosen == EvictionStrategy.LIVE_MIGRATE && !migratesWithGate(devices)
                ? EvictionStrategy.NONE : chosen);
    }

    /** Whether the mapped {@code LiveMigrate} was refused for this VM (it can never migrate). */
    public static boolean liveMigrateRefused(List<DeviceRequest> devices, Optional<EvictionStrategy> mapped) {
        return reason(devices).isPresent() && mapped.filter(EvictionStrategy.LIVE_MIGRATE::equals).isPresent()
                && !migratesWithGate(devices);
    }

    /** Whether the VM will live-migrate on a drain and so needs {@value #GATE_VGPU_LIVE_MIGRATION}. */
    public static boolean needsGate(List<DeviceRequest> devices, Optional<EvictionStrategy> mapped) {
        return migratesWithGate(devices) && strategy(devices, mapped)
                .filter(s -> s == EvictionStrategy.LIVE_MIGRATE || s == EvictionStrategy.LIVE_MIGRATE_IF_POSSIBLE)
                .isPresent();
    }
}
