package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.converter.MigrationUnit;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.plans.model.Hooks;
import dev.kvmigrate.plans.report.GpuAssignment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a plan run does for one VM: the converter's migration unit, and the hooks the plan gives it.
 *
 * @param unit what the converter made of the VM, complete
 * @param gpus the GPU requests, for the report
 * @param hooks the hooks that apply to it
 */
public record VmWork(MigrationUnit unit, List<GpuAssignment> gpus, Hooks hooks) {
    public VmWork {
        Objects.requireNonNull(unit, "unit");
        gpus = List.copyOf(gpus);
        Objects.requireNonNull(hooks, "hooks");
    }

    /** The source VM name. */
    public String name() {
        return unit.sourceName();
    }

    /** The VirtualMachine's name on the target. */
    public String targetName() {
        return unit.targetName();
    }

    /** The namespace written into the VM's objects; absent: the target's. */
    public Optional<String> namespace() {
        return unit.namespace();
    }

    /** The VirtualMachine (absent when blocked). */
    public Optional<Manifest> vmManifest() {
        return unit.virtualMachine();
    }

    /**
     * What the VM step creates, in order: the ResourceClaimTemplate its DRA GPU claim is made from (when the GPUs go
     * through DRA), then the VirtualMachine; empty when blocked.
     */
    public List<Manifest> vmObjects() {
        List<Manifest> out = new java.util.ArrayList<>();
        unit.virtualMachine().ifPresent(vm -> {
            unit.resourceClaimTemplate().ifPresent(out::add);
            out.add(vm);
        });
        return List.copyOf(out);
    }

    public List<DiskWork> disks() {
        return unit.disks().stream().map(d -> new DiskWork(unit.sourceName(), d)).toList();
    }

    public boolean blocked() {
        return unit.blocked();
    }

    public List<Concern> blockers() {
        return unit.blockers();
    }

    public long totalBytes() {
        return unit.totalBytes();
    }
}
