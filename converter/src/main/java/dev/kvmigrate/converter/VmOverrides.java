package dev.kvmigrate.converter;

import java.util.Objects;
import java.util.Optional;

/**
 * Per-VM choices that win over the mappings and the converter's defaults (a plan's {@code overrides.<vm>} and its
 * options, resolved for one VM).
 *
 * @param targetName the VirtualMachine's name on the target (its DataVolumes and labels follow it)
 * @param namespace the namespace written into the VM's objects
 * @param storageClass the storage class of every DataVolume of the VM
 * @param instancetype the instancetype to reference instead of inline CPU/memory
 * @param keepMacs keep the source NICs' MAC addresses
 * @param runStrategy the VM's {@code spec.runStrategy}; absent: Always when the source VM runs or is HA, else
 *     Halted
 */
public record VmOverrides(Optional<String> targetName, Optional<String> namespace, Optional<String> storageClass,
        Optional<String> instancetype, boolean keepMacs, Optional<String> runStrategy) {
    public static final VmOverrides NONE = new VmOverrides(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), true, Optional.empty());

    public VmOverrides {
        targetName = Objects.requireNonNullElse(targetName, Optional.empty());
        namespace = Objects.requireNonNullElse(namespace, Optional.empty());
        storageClass = Objects.requireNonNullElse(storageClass, Optional.empty());
        instancetype = Objects.requireNonNullElse(instancetype, Optional.empty());
        runStrategy = Objects.requireNonNullElse(runStrategy, Optional.empty());
    }
}
