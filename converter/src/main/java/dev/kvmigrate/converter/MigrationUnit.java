package dev.kvmigrate.converter;

import dev.kvmigrate.converter.gpu.DeviceRequest;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one VM becomes on the target, complete: every downstream stage ({@code convert} output, {@code plan
 * validate}, {@code plan run}, the Kubernetes executor) takes its objects and disk transfers from here and changes
 * nothing.
 *
 * @param sourceName the VM's name on the source
 * @param targetName the VirtualMachine's name on the target
 * @param namespace the namespace written into its objects; absent: the target's namespace
 * @param virtualMachine the VirtualMachine; absent when the VM is blocked
 * @param resourceClaimTemplate the {@code resource.k8s.io/v1} ResourceClaimTemplate its GPU claim is made from,
 *     when GPUs are claimed through DRA; absent when blocked
 * @param disks one transfer per DataVolume, in disk order; empty when blocked
 * @param devices the GPU and host-device resources it requests
 * @param concerns everything the source and the conversion say about this VM, each fact once
 * @param persistentState it uses a persistent TPM or EFI store (needs the VMPersistentState gate)
 */
public record MigrationUnit(String sourceName, String targetName, Optional<String> namespace,
        Optional<Manifest> virtualMachine, Optional<Manifest> resourceClaimTemplate, List<DiskTransfer> disks,
        List<DeviceRequest> devices, List<Concern> concerns, boolean persistentState) {
    public MigrationUnit {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(targetName, "targetName");
        namespace = Objects.requireNonNullElse(namespace, Optional.empty());
        virtualMachine = Objects.requireNonNullElse(virtualMachine, Optional.empty());
        resourceClaimTemplate = Objects.requireNonNullElse(resourceClaimTemplate, Optional.empty());
        disks = List.copyOf(disks);
        devices = List.copyOf(devices);
        concerns = List.copyOf(concerns);
        boolean hasBlocker = concerns.stream().anyMatch(c -> c.severity() == Severity.BLOCKER);
        if (virtualMachine.isEmpty() != hasBlocker
                || virtualMachine.isEmpty() && (!disks.isEmpty() || resourceClaimTemplate.isPresent())) {
            throw new IllegalArgumentException("VM " + sourceName + ": a unit is blocked (no objects) exactly when it"
                    + " has a blocker");
        }
    }

    /** The unit of a VM that is not written: its concerns (with at least one blocker), no objects, no transfers. */
    public static MigrationUnit blocked(String sourceName, String targetName, Optional<String> namespace,
            List<Concern> concerns) {
        return new MigrationUnit(sourceName, targetName, namespace, Optional.empty(), Optional.empty(), List.of(),
                List.of(), concerns, false);
    }

    /** A blocked VM has a blocker concern, no objects and no transfers. */
    public boolean blocked() {
        return virtualMachine.isEmpty();
    }

    public List<Concern> blockers() {
        return concerns.stream().filter(c -> c.severity() == Severity.BLOCKER).toList();
    }

    /**
     * The ResourceClaimTemplate (when claimed through DRA), the VirtualMachine, then its DataVolumes: the template
     * exists before the VM that names it; empty when blocked.
     */
    public List<Manifest> objects() {
        List<Manifest> out = new ArrayList<>();
        resourceClaimTemplate.ifPresent(out::add);
        virtualMachine.ifPresent(out::add);
        disks.forEach(d -> out.add(d.manifest()));
        return out;
    }

    /** The bytes of all its disks, for ordering work largest first. */
    public long totalBytes() {
        return disks.stream().mapToLong(DiskTransfer::virtualSize).sum();
    }
}
