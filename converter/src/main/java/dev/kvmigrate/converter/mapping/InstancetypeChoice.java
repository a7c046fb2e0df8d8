package dev.kvmigrate.converter.mapping;

import java.util.Objects;
import java.util.Optional;

/**
 * An instancetype and/or preference a VM references instead of inline CPU/memory sizing.
 *
 * @param instancetype the VirtualMachine(Cluster)Instancetype name
 * @param instancetypeKind {@code VirtualMachineClusterInstancetype} (default) or {@code VirtualMachineInstancetype}
 * @param preference the VirtualMachine(Cluster)Preference name
 * @param preferenceKind {@code VirtualMachineClusterPreference} (default) or {@code VirtualMachinePreference}
 */
public record InstancetypeChoice(Optional<String> instancetype, Optional<String> instancetypeKind,
        Optional<String> preference, Optional<String> preferenceKind) {
    public static final InstancetypeChoice NONE = new InstancetypeChoice(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    public InstancetypeChoice {
        instancetype = Objects.requireNonNullElse(instancetype, Optional.empty());
        instancetypeKind = Objects.requireNonNullElse(instancetypeKind, Optional.empty());
        preference = Objects.requireNonNullElse(preference, Optional.empty());
        preferenceKind = Objects.requireNonNullElse(preferenceKind, Optional.empty());
        instancetypeKind.ifPresent(k -> requireOneOf(k, "VirtualMachineClusterInstancetype",
                "VirtualMachineInstancetype"));
        preferenceKind.ifPresent(k -> requireOneOf(k, "VirtualMachineClusterPreference", "VirtualMachinePreference"));
    }

    private static void requireOneOf(String kind, String a, String b) {
        if (!kind.equals(a) && !kind.equals(b)) {
            throw new IllegalArgumentException("kind '" + kind + "' is neither " + a + " nor " + b);
        }
    }

    public String instancetypeKindOrDefault() {
        return instancetypeKind.orElse("VirtualMachineClusterInstancetype");
    }

    public String preferenceKindOrDefault() {
        return preferenceKind.orElse("VirtualMachineClusterPreference");
    }
}
