package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Firmware and platform of a VM.
 *
 * @param bootMode BIOS or UEFI
 * @param secureBoot UEFI secure boot requested
 * @param loader firmware image path (libvirt {@code <loader>}), when set
 * @param nvram UEFI variable store path, when the source keeps one
 * @param machineType machine type as the source names it ({@code pc-q35-7.2}, {@code pc-i440fx-7.2},
 *     oVirt {@code q35_ovmf}), when known
 * @param arch guest architecture ({@code x86_64}, {@code aarch64}, …)
 */
public record Firmware(BootMode bootMode, boolean secureBoot, Optional<String> loader, Optional<String> nvram,
        Optional<String> machineType, String arch) {
    public Firmware {
        bootMode = Objects.requireNonNullElse(bootMode, BootMode.BIOS);
        loader = Objects.requireNonNullElse(loader, Optional.empty());
        nvram = Objects.requireNonNullElse(nvram, Optional.empty());
        machineType = Objects.requireNonNullElse(machineType, Optional.empty());
        arch = Objects.requireNonNullElse(arch, "x86_64");
    }

    /** Legacy BIOS on x86_64 with the given machine type. */
    public static Firmware bios(Optional<String> machineType) {
        return new Firmware(BootMode.BIOS, false, Optional.empty(), Optional.empty(), machineType, "x86_64");
    }
}
