package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Guest memory. All sizes in bytes.
 *
 * @param bytes memory the guest is defined with (libvirt {@code <memory>}, oVirt {@code memory})
 * @param currentBytes memory at boot when it differs (libvirt {@code <currentMemory>})
 * @param maxBytes hot-plug maximum, when set
 * @param guaranteedBytes guaranteed memory (oVirt memory policy), when set
 * @param hugepageBytes hugepage size backing the guest, when hugepages are used
 * @param numaMode host NUMA binding mode ({@code strict}, {@code preferred}, {@code interleave}), when set
 * @param numaNodeset host NUMA nodes the memory is bound to, when set
 * @param guestNumaNodes number of guest NUMA cells (0 when the guest has no NUMA topology)
 */
public record Memory(long bytes, Optional<Long> currentBytes, Optional<Long> maxBytes, Optional<Long> guaranteedBytes,
        Optional<Long> hugepageBytes, Optional<String> numaMode, Optional<String> numaNodeset, int guestNumaNodes) {
    public Memory {
        if (bytes <= 0) {
            throw new IllegalArgumentException("memory size " + bytes + " bytes must be positive");
        }
        currentBytes = Objects.requireNonNullElse(currentBytes, Optional.empty());
        maxBytes = Objects.requireNonNullElse(maxBytes, Optional.empty());
        guaranteedBytes = Objects.requireNonNullElse(guaranteedBytes, Optional.empty());
        hugepageBytes = Objects.requireNonNullElse(hugepageBytes, Optional.empty());
        numaMode = Objects.requireNonNullElse(numaMode, Optional.empty());
        numaNodeset = Objects.requireNonNullElse(numaNodeset, Optional.empty());
        if (guestNumaNodes < 0) {
            throw new IllegalArgumentException("guest NUMA node count " + guestNumaNodes + " is negative");
        }
    }

    /** Plain memory of {@code bytes}, nothing else set. */
    public static Memory of(long bytes) {
        return new Memory(bytes, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 0);
    }
}
