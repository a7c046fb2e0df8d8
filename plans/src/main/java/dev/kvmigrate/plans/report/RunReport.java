package dev.kvmigrate.plans.report;

import java.util.List;
import java.util.Objects;

/**
 * What a plan run did, for people (HTML), scripts (JSON) and CI systems (JUnit XML).
 *
 * @param plan plan name
 * @param target where it migrated to ({@code dir:out/}, {@code cluster ctx/ns})
 * @param startedAt ISO-8601 start
 * @param finishedAt ISO-8601 end
 * @param outcome the run as a whole: SUCCEEDED only when every VM did
 * @param vms one report per VM, in plan order
 * @param throughput transfer rate over time, for the chart
 */
public record RunReport(String plan, String target, String startedAt, String finishedAt, Outcome outcome,
        List<VmReport> vms, List<ThroughputSample> throughput) {
    public RunReport {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(outcome, "outcome");
        vms = List.copyOf(Objects.requireNonNullElse(vms, List.of()));
        throughput = List.copyOf(Objects.requireNonNullElse(throughput, List.of()));
    }

    public long count(Outcome o) {
        return vms.stream().filter(v -> v.outcome() == o).count();
    }

    /** Bytes moved over the wire for all disks. */
    public long wireBytes() {
        return vms.stream().flatMap(v -> v.disks().stream()).mapToLong(DiskReport::wireBytes).sum();
    }
}
