package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.converter.VmConversion;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.plans.model.Hooks;
import dev.kvmigrate.plans.report.GpuAssignment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a plan run does for one VM.
 *
 * @param name the source VM name
 * @param targetName the VirtualMachine's name on the target
 * @param conversion what the converter made of it
 * @param vmManifest the VirtualMachine (absent when blocked)
 * @param disks its DataVolumes
 * @param gpus the GPU requests, for the report
 * @param hooks the hooks that apply to it
 */
public record VmWork(String name, String targetName, VmConversion conversion, Optional<Manifest> vmManifest,
        List<DiskWork> disks, List<GpuAssignment> gpus, Hooks hooks) {
    public VmWork {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(targetName, "targetName");
        Objects.requireNonNull(conversion, "conversion");
        vmManifest = Objects.requireNonNullElse(vmManifest, Optional.empty());
        disks = List.copyOf(disks);
        gpus = List.copyOf(gpus);
        Objects.requireNonNull(hooks, "hooks");
    }

    public boolean blocked() {
        return conversion.blocked();
    }

    public List<Concern> blockers() {
        return conversion.concerns().stream().filter(c -> c.severity() == Severity.BLOCKER).toList();
    }

    public long totalBytes() {
        return disks.stream().mapToLong(DiskWork::virtualSize).sum();
    }
}
