package dev.kvmigrate.plans.run;

import dev.kvmigrate.plans.report.DiskReport;
import dev.kvmigrate.plans.report.Outcome;
import dev.kvmigrate.plans.report.RunReport;
import dev.kvmigrate.plans.report.StepReport;
import dev.kvmigrate.plans.report.ThroughputSample;
import dev.kvmigrate.plans.report.VmReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The run report, from the journal (what happened) and the prepared plan (what was asked). */
public final class ReportBuilder {
    private ReportBuilder() {}

    public static RunReport build(PlanConversion.Prepared p, RunState state, String target, Instant finished) {
        String started = state.started().orElse(finished.toString());
        List<VmReport> vms = new ArrayList<>();
        for (VmWork w : p.vms()) {
            vms.add(vm(w, state.vm(w.name())));
        }
        boolean allOk = vms.stream().allMatch(v -> v.outcome() == Outcome.SUCCEEDED);
        boolean anyFailed = vms.stream().anyMatch(v -> v.outcome() == Outcome.FAILED);
        Outcome run = allOk ? Outcome.SUCCEEDED : anyFailed ? Outcome.FAILED : Outcome.PENDING;
        return new RunReport(p.plan().plan().name(), target, started, finished.toString(), run, vms,
                throughput(state, Instant.parse(started)));
    }

    /** A dry run: every VM with its conversion, nothing migrated. */
    public static RunReport dryRun(PlanConversion.Prepared p, String target, Instant at) {
        List<VmReport> vms = new ArrayList<>();
        for (VmWork w : p.vms()) {
            List<StepReport> steps = List.of(new StepReport(Step.VALIDATE.id(), w.blocked() ? StepState.FAILED
                    : StepState.SUCCEEDED, 0, Optional.of(w.blocked() ? blockers(w) : "manifests written")));
            vms.add(new VmReport(w.name(), w.targetName(), w.blocked() ? Outcome.FAILED : Outcome.DRY_RUN, steps,
                    w.disks().stream().map(d -> new DiskReport(d.dataVolume(), d.virtualSize(), 0, Optional.empty(),
                            0)).toList(), w.gpus(), w.blocked() ? Optional.of(blockers(w)) : Optional.empty()));
        }
        boolean blocked = p.vms().stream().anyMatch(VmWork::blocked);
        return new RunReport(p.plan().plan().name(), target, at.toString(), at.toString(),
                blocked ? Outcome.FAILED : Outcome.DRY_RUN, vms, List.of());
    }

    private static String blockers(VmWork w) {
        return String.join("; ", w.blockers().stream().map(c -> c.code() + ": " + c.message()).toList());
    }

    private static VmReport vm(VmWork w, Optional<RunState.VmState> s) {
        if (s.isEmpty()) {
            return new VmReport(w.name(), w.targetName(), Outcome.SKIPPED, List.of(), List.of(), w.gpus(),
                    Optional.empty());
        }
        RunState.VmState vs = s.get();
        List<StepReport> steps = new ArrayList<>();
        for (Step step : Step.values()) {
            RunState.StepStatus st = vs.steps().get(step.id());
            if (st != null) {
                steps.add(new StepReport(st.step(), st.state(), seconds(st.startedAt(), st.updatedAt()),
                        st.message()));
            }
        }
        List<DiskReport> disks = new ArrayList<>();
        for (DiskWork d : w.disks()) {
            RunState.DiskStatus ds = vs.disks().get(d.dataVolume());
            disks.add(ds == null ? new DiskReport(d.dataVolume(), d.virtualSize(), 0, Optional.empty(), 0)
                    : new DiskReport(d.dataVolume(), d.virtualSize(), ds.wireBytes(), ds.digest(),
                            ds.state() == StepState.SUCCEEDED ? seconds(ds.startedAt(), ds.updatedAt()) : 0));
        }
        Outcome o = vs.outcome().map(x -> x == StepState.SUCCEEDED ? Outcome.SUCCEEDED : Outcome.FAILED)
                .orElse(Outcome.PENDING);
        return new VmReport(w.name(), w.targetName(), o, steps, disks, w.gpus(), vs.error());
    }

    private static double seconds(String from, String to) {
        return Math.max(0, Duration.between(Instant.parse(from), Instant.parse(to)).toNanos() / 1e9);
    }

    /** Aggregate rate per second of the run, from the disks' progress and completion entries. */
    static List<ThroughputSample> throughput(RunState state, Instant start) {
        Map<String, long[]> last = new HashMap<>();
        TreeMap<Long, Long> bytesPerSecond = new TreeMap<>();
        for (JournalEntry e : state.progress()) {
            String key = e.vm().orElse("") + "/" + e.detail("disk").orElse("");
            long t = Math.max(0, Duration.between(start, Instant.parse(e.time())).toMillis());
            long wire = Long.parseLong(e.detail("wire").get());
            long[] prev = last.getOrDefault(key, new long[] {t, 0});
            long delta = Math.max(0, wire - prev[1]);
            bytesPerSecond.merge(t / 1000, delta, Long::sum);
            last.put(key, new long[] {t, wire});
        }
        List<ThroughputSample> out = new ArrayList<>();
        bytesPerSecond.forEach((s, b) -> out.add(new ThroughputSample(s, b)));
        return out;
    }
}
