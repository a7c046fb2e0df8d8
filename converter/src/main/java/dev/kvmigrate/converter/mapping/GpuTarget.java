package dev.kvmigrate.converter.mapping;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the target cluster serves GPUs to VMs: the mappings' {@code gpuTarget}, overridden by
 * {@code kv-migrate convert --gpu-target}; {@link #AUTO} is resolved to one of the others before conversion.
 */
public enum GpuTarget {
    /**
     * Decided from the cluster ({@code convert --from-cluster}, a plan's cluster target): DRA when KubeVirt has
     * {@code GPUsWithDRA} on and the DRA DeviceClass exists, else the device plugin; the device plugin without a
     * cluster to ask. The default.
     */
    AUTO("auto"),
    /** Device-plugin extended resources: {@code deviceName} + the KubeVirt CR's {@code permittedHostDevices}. */
    DEVICE_PLUGIN("device-plugin"),
    /**
     * Dynamic Resource Allocation (KubeVirt v1.9 {@code GPUsWithDRA}): passthrough GPUs are claimed through a
     * {@code resource.k8s.io/v1} ResourceClaimTemplate; vGPUs stay on the device plugin.
     */
    DRA("dra");

    private final String value;

    GpuTarget(String value) {
        this.value = value;
    }

    /** The name used in the mappings file and on the command line. */
    @JsonValue
    public String value() {
        return value;
    }

    /** The target named {@code value}; the error lists the accepted names. */
    public static GpuTarget of(String value) {
        return Arrays.stream(values()).filter(t -> t.value.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown GPU target '" + value + "'; use one of "
                        + Arrays.stream(values()).map(GpuTarget::value).collect(Collectors.joining(", "))));
    }
}
