package dev.kvmigrate.inventory.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Hypervisor features the guest relies on.
 *
 * @param acpi ACPI exposed
 * @param apic APIC exposed
 * @param smm System Management Mode on (required for UEFI secure boot)
 * @param hyperv Hyper-V enlightenments by name → value ({@code relaxed → on}, {@code spinlocks → 8191}, …)
 */
public record Features(boolean acpi, boolean apic, boolean smm, Map<String, String> hyperv) {
    public static final Features NONE = new Features(false, false, false, Map.of());

    public Features {
        hyperv = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(hyperv, Map.of())));
    }
}
