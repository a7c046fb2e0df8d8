package dev.kvmigrate.converter;

import dev.kvmigrate.converter.gpu.DeviceRequest;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Severity;
import java.util.List;
import java.util.Objects;

/**
 * What one VM became.
 *
 * @param sourceName the VM's name on the source
 * @param targetName its Kubernetes name (unique within the conversion)
 * @param manifests the VirtualMachine then its DataVolumes; empty when the VM is blocked
 * @param concerns what the conversion adds, plus the scan's blockers when those stop the VM
 * @param devices the device resources it requests
 * @param persistentState it uses a persistent TPM or EFI store (needs the VMPersistentState gate)
 */
public record VmConversion(String sourceName, String targetName, List<Manifest> manifests, List<Concern> concerns,
        List<DeviceRequest> devices, boolean persistentState) {
    public VmConversion {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(targetName, "targetName");
        manifests = List.copyOf(manifests);
        concerns = List.copyOf(concerns);
        devices = List.copyOf(devices);
    }

    /** Blocked VMs are not written: they have a blocker concern and no manifests. */
    public boolean blocked() {
        return concerns.stream().anyMatch(c -> c.severity() == Severity.BLOCKER);
    }
}
