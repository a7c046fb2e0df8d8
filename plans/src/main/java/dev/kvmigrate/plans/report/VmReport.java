package dev.kvmigrate.plans.report;

import dev.kvmigrate.plans.run.StepState;
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
 * @param startedAt ISO-8601 start of its pipeline in the latest run, when it ran
 * @param finishedAt ISO-8601 end of that pipeline, when it ended
 * @param wave the 1-based GPU wave it ran in, when the journal tells
 * @param source what became of the source after the VM failed, when the plan had powered it off ({@code source
 *     restarted …}, {@code source left off: why}, {@code source restart failed: …}) or rolled it back
 */
public record VmReport(String name, String targetName, Outcome outcome, List<StepReport> steps,
        List<DiskReport> disks, List<GpuAssignment> gpus, Optional<String> error, Optional<String> startedAt,
        Optional<String> finishedAt, Optional<Integer> wave, Optional<String> source) {
    public VmReport(String name, String targetName, Outcome outcome, List<StepReport> steps,
            List<DiskReport> disks, List<GpuAssignment> gpus, Optional<String> error, Optional<String> startedAt,
            Optional<String> finishedAt, Optional<Integer> wave) {
        this(name, targetName, outcome, steps, disks, gpus, error, startedAt, finishedAt, wave, Optional.empty());
    }

    public VmReport {
        source = Objects.requireNonNullElse(source, Optional.empty());
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(targetName, "targetName");
        Objects.requireNonNull(outcome, "outcome");
        steps = List.copyOf(Objects.requireNonNullElse(steps, List.of()));
        disks = List.copyOf(Objects.requireNonNullElse(disks, List.of()));
        gpus = List.copyOf(Objects.requireNonNullElse(gpus, List.of()));
        error = Objects.requireNonNullElse(error, Optional.empty());
        startedAt = Objects.requireNonNullElse(startedAt, Optional.empty());
        finishedAt = Objects.requireNonNullElse(finishedAt, Optional.empty());
        wave = Objects.requireNonNullElse(wave, Optional.empty());
        wave.ifPresent(w -> {
            if (w < 1) {
                throw new IllegalArgumentException("VM " + name + ": wave " + w + " is not 1-based");
            }
        });
    }

    /** Wall time of all steps, in seconds. */
    public double seconds() {
        return steps.stream().mapToDouble(StepReport::seconds).sum();
    }

    /** Bytes sent for all its disks. */
    public long wireBytes() {
        return disks.stream().mapToLong(DiskReport::wireBytes).sum();
    }

    /** Virtual size of all its disks. */
    public long virtualBytes() {
        return disks.stream().mapToLong(DiskReport::virtualBytes).sum();
    }

    /** The step that failed, when one did. */
    public Optional<StepReport> failedStep() {
        return steps.stream().filter(s -> s.state() == StepState.FAILED).findFirst();
    }
}
