package dev.kvmigrate.plans.report;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

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
        List<VmReport> vms, List<ThroughputSample> throughput, Optional<String> bandwidth) {
    /** A report without a bandwidth cap to state. */
    public RunReport(String plan, String target, String startedAt, String finishedAt, Outcome outcome,
            List<VmReport> vms, List<ThroughputSample> throughput) {
        this(plan, target, startedAt, finishedAt, outcome, vms, throughput, Optional.empty());
    }

    public RunReport {
        bandwidth = Objects.requireNonNullElse(bandwidth, Optional.empty());
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
        return vms.stream().mapToLong(VmReport::wireBytes).sum();
    }

    /** Seconds from start to finish; 0 when either time is not an ISO-8601 instant. */
    public double wallSeconds() {
        try {
            return Math.max(0, Duration.between(Instant.parse(startedAt), Instant.parse(finishedAt)).toNanos() / 1e9);
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /** Bytes sent per second of wall time; 0 for a run that took no time. */
    public double meanBytesPerSecond() {
        double s = wallSeconds();
        return s > 0 ? wireBytes() / s : 0;
    }

    /**
     * The highest one-second transfer rate of the run; never below the mean (a run shorter than a second has one
     * partial second only).
     */
    public double peakBytesPerSecond() {
        return Math.max(meanBytesPerSecond(),
                throughput.stream().mapToDouble(ThroughputSample::bytesPerSecond).max().orElse(0));
    }

    /** GPU devices the VMs that succeeded now request on the target, by resource name. */
    public SortedMap<String, Integer> gpusCarried() {
        return gpus(v -> v.outcome() == Outcome.SUCCEEDED);
    }

    /** GPU devices of every VM of the plan, by resource name. */
    public SortedMap<String, Integer> gpusPlanned() {
        return gpus(v -> true);
    }

    private SortedMap<String, Integer> gpus(Predicate<VmReport> which) {
        SortedMap<String, Integer> out = new TreeMap<>();
        vms.stream().filter(which).flatMap(v -> v.gpus().stream())
                .forEach(g -> out.merge(g.resourceName(), g.count(), Integer::sum));
        return out;
    }
}
