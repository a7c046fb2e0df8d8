package dev.kvmigrate.inventory.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * vCPUs of a VM.
 *
 * @param vcpus number of vCPUs the guest sees (at boot)
 * @param maxVcpus maximum vCPUs (hot-plug), equal to {@code vcpus} when the source has no such notion
 * @param topology sockets × cores × threads
 * @param mode libvirt CPU mode ({@code host-passthrough}, {@code host-model}, {@code custom}) or the
 *     oVirt equivalent, when set
 * @param model named CPU model ({@code Skylake-Server}, …), when set
 * @param pinning vCPU → host CPU set pins; non-empty means the VM is pinned
 * @param shares CPU shares / weight, when set
 */
public record Cpu(int vcpus, int maxVcpus, CpuTopology topology, Optional<String> mode, Optional<String> model,
        List<VcpuPin> pinning, Optional<Integer> shares) {
    public Cpu {
        if (vcpus < 1) {
            throw new IllegalArgumentException("vCPU count " + vcpus + " must be at least 1");
        }
        if (maxVcpus < vcpus) {
            maxVcpus = vcpus;
        }
        topology = Objects.requireNonNullElse(topology, new CpuTopology(1, vcpus, 1));
        mode = Objects.requireNonNullElse(mode, Optional.empty());
        model = Objects.requireNonNullElse(model, Optional.empty());
        pinning = List.copyOf(Objects.requireNonNullElse(pinning, List.of()));
        shares = Objects.requireNonNullElse(shares, Optional.empty());
    }

    /** A plain CPU: {@code vcpus} as one socket, no model, no pinning. */
    public static Cpu simple(int vcpus) {
        return new Cpu(vcpus, vcpus, new CpuTopology(1, vcpus, 1), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty());
    }
}
