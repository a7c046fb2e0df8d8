package dev.kvmigrate.inventory.model;

import java.util.Objects;

/** One vCPU pinned to a host CPU set, e.g. vCPU 0 → {@code "0-3,^2"}. */
public record VcpuPin(int vcpu, String cpuset) {
    public VcpuPin {
        Objects.requireNonNull(cpuset, "cpuset");
    }
}
