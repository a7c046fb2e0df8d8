package dev.kvmigrate.plans.report;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One VM's migration.
 *
 * @param name source name
 * @param targetName Kubernetes name on the target
 * @param outcome how it ended
 * @param steps the pipeline steps in order
 * @param disks one entry per imported disk
 * @param gpus the GPU requests it got
 * @param error the failure message when it failed
 */
public record VmReport(String name, String targetName, Outcome outcome, List<StepReport> steps,
        List<DiskReport> disks, List<GpuAssignment> gpus, Optional<String> error) {
    public VmReport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(targetName, "targetName");
        Objects.requireNonNull(outcome, "outcome");
        steps = List.copyOf(Objects.requireNonNullElse(steps, List.of()));
        disks = List.copyOf(Objects.requireNonNullElse(disks, List.of()));
        gpus = List.copyOf(Objects.requireNonNullElse(gpus, List.of()));
        error = Objects.requireNonNullElse(error, Optional.empty());
    }

    /** Wall time of all steps, in seconds. */
    public double seconds() {
        return steps.stream().mapToDouble(StepReport::seconds).sum();
    }
}
