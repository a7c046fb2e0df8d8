package dev.kvmigrate.plans.model;

import dev.kvmigrate.inventory.concern.KubernetesName;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-VM choices that beat the plan's defaults.
 *
 * @param targetName the VirtualMachine's name on the target (an RFC 1123 label)
 * @param storageClass storage class of all its disks
 * @param instancetype a cluster instancetype instead of inline CPU/memory
 * @param hooks hooks replacing the plan's for this VM
 */
public record VmOverride(Optional<String> targetName, Optional<String> storageClass, Optional<String> instancetype,
        Hooks hooks) {
    public VmOverride {
        targetName = Objects.requireNonNullElse(targetName, Optional.empty());
        storageClass = Objects.requireNonNullElse(storageClass, Optional.empty());
        instancetype = Objects.requireNonNullElse(instancetype, Optional.empty());
        hooks = Objects.requireNonNullElse(hooks, Hooks.NONE);
        targetName.ifPresent(n -> {
            if (!n.equals(KubernetesName.of(n))) {
                throw new IllegalArgumentException("targetName '" + n + "' is not an RFC 1123 label (lower-case"
                        + " letters, digits, '-', at most 63); e.g. " + KubernetesName.of(n));
            }
        });
    }
}
