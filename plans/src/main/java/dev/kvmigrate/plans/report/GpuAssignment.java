package dev.kvmigrate.plans.report;

import java.util.Objects;

/**
 * A row of the GPU mapping table: what the source had and what the target requests.
 *
 * @param source the source device ({@code vGPU nvidia-230 "GRID T4-1Q"}, {@code PCI 10de:2330 "GH100 …"})
 * @param resourceName the device-plugin resource requested ({@code nvidia.com/GRID_T4-1Q})
 * @param count how many of it the VM requests
 */
public record GpuAssignment(String source, String resourceName, int count) {
    public GpuAssignment {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(resourceName, "resourceName");
    }
}
