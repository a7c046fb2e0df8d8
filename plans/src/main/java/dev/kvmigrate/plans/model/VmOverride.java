package dev.kvmigrate.plans.model;

import dev.kvmigrate.inventory.concern.KubernetesName;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-VM choices that beat the plan's defaults.
 *
 * @param targetName the VirtualMachine's name on the target (an RFC 1123 label); its DataVolumes and labels follow
 * @param namespace the namespace of the VM's objects, instead of the target's
 * @param storageClass storage class of all its disks
 * @param instancetype a cluster instancetype instead of inline CPU/memory
 * @param keepMacs keep the source MAC addresses, instead of {@code options.keepMacs}
 * @param runStrategy the VM's {@code spec.runStrategy}, instead of {@code options.runStrategy}
 * @param hooks hooks replacing the plan's for this VM
 */
public record VmOverride(Optional<String> targetName, Optional<String> namespace, Optional<String> storageClass,
        Optional<String> instancetype, Optional<Boolean> keepMacs, Optional<String> runStrategy, Hooks hooks) {
    public static final VmOverride NONE = new VmOverride(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Hooks.NONE);

    public VmOverride {
        targetName = Objects.requireNonNullElse(targetName, Optional.empty());
        namespace = Objects.requireNonNullElse(namespace, Optional.empty());
        storageClass = Objects.requireNonNullElse(storageClass, Optional.empty());
        instancetype = Objects.requireNonNullElse(instancetype, Optional.empty());
        keepMacs = Objects.requireNonNullElse(keepMacs, Optional.empty());
        runStrategy = Objects.requireNonNullElse(runStrategy, Optional.empty());
        hooks = Objects.requireNonNullElse(hooks, Hooks.NONE);
        targetName.ifPresent(n -> requireLabel("targetName", n));
        namespace.ifPresent(n -> requireLabel("namespace", n));
        runStrategy.ifPresent(s -> {
            if (!PlanOptions.RUN_STRATEGIES.contains(s)) {
                throw new IllegalArgumentException("runStrategy '" + s + "' is not one of Always, Halted, Manual,"
                        + " RerunOnFailure, Once");
            }
        });
    }

    private static void requireLabel(String field, String n) {
        if (!n.equals(KubernetesName.of(n))) {
            throw new IllegalArgumentException(field + " '" + n + "' is not an RFC 1123 label (lower-case letters,"
                    + " digits, '-', at most 63); e.g. " + KubernetesName.of(n));
        }
    }
}
