package dev.kvmigrate.converter;

import dev.kvmigrate.converter.gpu.AdminPatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import dev.kvmigrate.converter.gpu.GpuTargets;
import dev.kvmigrate.converter.mapping.GpuTarget;

/**
 * The outcome of converting a set of VMs.
 *
 * @param vms one entry per selected VM, in inventory order
 * @param shared objects several VMs use (emitted instancetypes and preferences)
 * @param adminPatch the KubeVirt CR patch and its summary for the VMs written
 * @param gpuTarget the GPU target converted for and, when {@code gpuTarget: auto} chose it, why
 */
public record ConversionResult(List<MigrationUnit> vms, List<Manifest> shared, AdminPatch adminPatch,
        GpuTargets.Decision gpuTarget) {
    public ConversionResult {
        vms = List.copyOf(vms);
        shared = List.copyOf(shared);
        Objects.requireNonNull(adminPatch, "adminPatch");
        Objects.requireNonNull(gpuTarget, "gpuTarget");
    }

    /** A result converted for the device plugin without a decision to report. */
    public ConversionResult(List<MigrationUnit> vms, List<Manifest> shared, AdminPatch adminPatch) {
        this(vms, shared, adminPatch, new GpuTargets.Decision(GpuTarget.DEVICE_PLUGIN, java.util.Optional.empty()));
    }

    /** Every manifest to write: shared objects first, then each written VM's VirtualMachine and DataVolumes. */
    public List<Manifest> manifests() {
        List<Manifest> all = new ArrayList<>(shared);
        vms.forEach(v -> all.addAll(v.objects()));
        return all;
    }

    /** The unit of a source VM, when it was selected. */
    public java.util.Optional<MigrationUnit> vm(String sourceName) {
        return vms.stream().filter(v -> v.sourceName().equals(sourceName)).findFirst();
    }

    public boolean anyBlocked() {
        return vms.stream().anyMatch(MigrationUnit::blocked);
    }
}
