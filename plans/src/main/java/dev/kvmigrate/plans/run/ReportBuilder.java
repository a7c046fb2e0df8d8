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
        return build(p, state, target, finished, p.plan().plan().options().bandwidth().map(b -> b + " (the plan's"
                + " cap)"));
    }

    /**
     * As {@link #build(PlanConversion.Prepared, RunState, String, Instant)}, stating {@code bandwidth} as the cap the
     * run was under (a scale-out's: the plan's cap split per pod).
     */
    public static RunReport build(PlanConversion.Prepared p, RunState state, String target, Instant finished,
            Optional<String> bandwidth) {
        // A state from the cluster has no run-wide entries (ClusterRunState keeps VMs' only): its first entry then.
        String started = state.started().or(() -> state.entries().stream().map(JournalEntry::time)
                .min(java.util.Comparator.comparing(Instant::parse))).orElse(finished.toString());
        Map<String, VmTimes.Span> spans = VmTimes.spans(state.entries());
        Map<String, Integer> waves = VmTimes.waves(state.entries(), spans);
        List<VmReport> vms = new ArrayList<>();
        for (VmWork w : p.vms()) {
            vms.add(vm(w, state.vm(w.name()), Optional.ofNullable(spans.get(w.name())),
                    Optional.ofNullable(waves.get(w.name()))));
        }
        boolean allOk = vms.stream().allMatch(v -> v.outcome() == Outcome.SUCCEEDED);
        boolean anyFailed = vms.stream().anyMatch(v -> v.outcome() == Outcome.FAILED);
        Outcome run = allOk ? Outcome.SUCCEEDED : anyFailed ? Outcome.FAILED : Outcome.PENDING;
        return new RunReport(p.plan().plan().name(), target, started, finished.toString(), run, vms,
                throughput(state, Instant.parse(started)), bandwidth);
    }

    /** A dry run: every VM with its conversion, nothing migrated. */
    public static RunReport dryRun(PlanConversion.Prepared p, String target, Instant at) {
        List<VmReport> vms = new ArrayList<>();
        for (VmWork w : p.vms()) {
            List<StepReport> steps = List.of(new StepReport(Step.VALIDATE.id(), w.blocked() ? StepState.FAILED
                    : StepState.SUCCEEDED, 0, Optional.of(w.blocked() ? blockers(w) : "manifests written")));
            vms.add(new VmReport(w.name(), w.targetName(), w.blocked() ? Outcome.FAILED : Outcome.DRY_RUN, steps,
                    w.disks().stream().map(d -> DiskReport.notSent(d.dataVolume(), d.virtualSize())).toList(),
                    w.gpus(), w.blocked() ? Optional.of(blockers(w)) : Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty()));
        }
        boolean blocked = p.vms().stream().anyMatch(VmWork::blocked);
        return new RunReport(p.plan().plan().name(), target, at.toString(), at.toString(),
                blocked ? Outcome.FAILED : Outcome.DRY_RUN, vms, List.of());
    }

    private static String blockers(VmWork w) {
        return String.join("; ", w.blockers().stream().map(c -> c.code() + ": " + c.message()).toList());
    }

    private static VmReport vm(VmWork w, Optional<RunState.VmState> s, Optional<VmTimes.Span> span,
            Optional<Integer> wave) {
        if (s.isEmpty()) {
            return new VmReport(w.name(), w.targetName(), Outcome.SKIPPED, List.of(), List.of(), w.gpus(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
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
        Optional<String> source = Optional.empty();
        for (String extra : List.of(Step.SOURCE_RESTART, Step.ROLLBACK)) {
            RunState.StepStatus st = vs.steps().get(extra);
            if (st != null && st.state() != StepState.STARTED) {
                steps.add(new StepReport(st.step(), st.state(), seconds(st.startedAt(), st.updatedAt()),
                        st.message()));
                source = st.message().or(() -> Optional.of(extra + " " + st.state()));
            }
        }
        if (source.isEmpty() && vs.sourceStoppedByPlan()) {
            source = Optional.of("off: powered off by the plan");
        }
        List<DiskReport> disks = new ArrayList<>();
        for (DiskWork d : w.disks()) {
            RunState.DiskStatus ds = vs.disks().get(d.dataVolume());
            disks.add(ds == null ? DiskReport.notSent(d.dataVolume(), d.virtualSize()) : disk(d, ds));
        }
        Outcome o = vs.outcome().map(x -> x == StepState.SUCCEEDED ? Outcome.SUCCEEDED : Outcome.FAILED)
                .orElse(Outcome.PENDING);
        if (vs.steps().containsKey(Step.ROLLBACK) && vs.outcome().isEmpty()) {
            o = Outcome.SKIPPED;
        }
        return new VmReport(w.name(), w.targetName(), o, steps, disks, w.gpus(), vs.error(),
                span.map(VmTimes.Span::startedAt), span.flatMap(VmTimes.Span::finishedAt), wave, source);
    }

    /** A disk as the journal last saw it; a disk skipped as already in place was not sent in this run. */
    private static DiskReport disk(DiskWork d, RunState.DiskStatus ds) {
        boolean ended = ds.state() == StepState.SUCCEEDED || ds.state() == StepState.FAILED;
        boolean sent = ds.state() != StepState.SKIPPED;
        return new DiskReport(d.dataVolume(), d.virtualSize(), ds.wireBytes(), ds.digest(),
                ds.state() == StepState.SUCCEEDED ? seconds(ds.startedAt(), ds.updatedAt()) : 0,
                Optional.of(ds.state()), sent ? Optional.of(ds.startedAt()) : Optional.empty(),
                ended ? Optional.of(ds.updatedAt()) : Optional.empty());
    }

    private static double seconds(String from, String to) {
        return Math.max(0, Duration.between(Instant.parse(from), Instant.parse(to)).toNanos() / 1e9);
    }

    /**
     * Aggregate rate per second of the run, from the disks' progress and completion entries: the bytes a disk sent
     * between two of its entries are spread evenly over the seconds between them (from its start for the first).
     */
    static List<ThroughputSample> throughput(RunState state, Instant start) {
        Map<String, long[]> last = new HashMap<>();
        TreeMap<Long, Double> bytesPerSecond = new TreeMap<>();
        for (JournalEntry e : state.entries()) {
            if (!e.step().equals(Step.IMPORT_DISK)) {
                continue;
            }
            String key = e.vm().orElse("") + "/" + e.detail("disk").orElse("");
            long t = Math.max(0, Duration.between(start, Instant.parse(e.time())).toMillis());
            if (e.state() == StepState.STARTED) {
                last.put(key, new long[] {t, 0});
                continue;
            }
            Optional<String> wire = e.detail("wire");
            if (wire.isEmpty()) {
                continue;
            }
            long[] prev = last.getOrDefault(key, new long[] {t, 0});
            spread(bytesPerSecond, prev[0], t, Math.max(0, Long.parseLong(wire.get()) - prev[1]));
            last.put(key, new long[] {t, Long.parseLong(wire.get())});
        }
        List<ThroughputSample> out = new ArrayList<>();
        bytesPerSecond.forEach((s, b) -> out.add(new ThroughputSample(s, b)));
        return out;
    }

    /** Adds {@code bytes} sent between {@code fromMs} and {@code toMs} to the seconds they overlap. */
    private static void spread(TreeMap<Long, Double> perSecond, long fromMs, long toMs, long bytes) {
        if (bytes == 0) {
            return;
        }
        if (toMs <= fromMs) {
            perSecond.merge(toMs / 1000, (double) bytes, Double::sum);
            return;
        }
        for (long s = fromMs / 1000; s * 1000 < toMs; s++) {
            long overlap = Math.min(toMs, (s + 1) * 1000) - Math.max(fromMs, s * 1000);
            perSecond.merge(s, bytes * (double) overlap / (toMs - fromMs), Double::sum);
        }
    }
}
