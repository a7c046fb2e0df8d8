package dev.kvmigrate.plans.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When each VM's pipeline ran, and in which GPU wave, as the journal tells it: for the report's timeline.
 *
 * <p>The journal records a run's wave count (on the run's {@code started} entry) but not each VM's wave. The
 * waves are recovered from the VMs' times: {@link PlanRunner} starts a wave only once every VM of the one before
 * has finished, and inside a wave a VM starts when another one's slot frees, so while others still run. A VM
 * that starts with no VM of the run in flight therefore opens a wave. When that count disagrees with the recorded
 * one (a single VM slot, a VM that failed at once) no wave is claimed.
 */
final class VmTimes {
    /** One VM's pipeline: its latest start and, once it ended, its end (ISO-8601). */
    record Span(String startedAt, Optional<String> finishedAt) {}

    private VmTimes() {}

    /** The latest pipeline of every VM that has one. */
    static Map<String, Span> spans(List<JournalEntry> entries) {
        Map<String, Span> out = new LinkedHashMap<>();
        for (JournalEntry e : entries) {
            if (e.vm().isEmpty() || !e.step().equals(Step.VM)) {
                continue;
            }
            String vm = e.vm().get();
            if (e.state() == StepState.STARTED) {
                out.put(vm, new Span(e.time(), Optional.empty()));
            } else if (out.containsKey(vm)) {
                out.put(vm, new Span(out.get(vm).startedAt(), Optional.of(e.time())));
            }
        }
        return out;
    }

    /** The 1-based wave of each VM that ran in the latest run; empty when the journal does not tell. */
    static Map<String, Integer> waves(List<JournalEntry> entries, Map<String, Span> spans) {
        Optional<JournalEntry> run = entries.stream()
                .filter(e -> e.vm().isEmpty() && e.step().equals(Step.RUN) && e.state() == StepState.STARTED)
                .reduce((a, b) -> b);
        Optional<Integer> declared = run.flatMap(e -> e.detail("waves")).filter(w -> w.matches("[0-9]{1,6}"))
                .map(Integer::valueOf);
        if (run.isEmpty() || declared.isEmpty()) {
            return Map.of();
        }
        Instant runStart = Instant.parse(run.get().time());
        List<Map.Entry<String, Span>> ran = new ArrayList<>();
        for (Map.Entry<String, Span> s : spans.entrySet()) {
            if (!Instant.parse(s.getValue().startedAt()).isBefore(runStart)) {
                ran.add(s);
            }
        }
        ran.sort(Comparator.comparing(s -> Instant.parse(s.getValue().startedAt())));
        Map<String, Integer> out = new HashMap<>();
        int wave = 0;
        Instant busyUntil = Instant.MIN;
        for (Map.Entry<String, Span> s : ran) {
            Instant start = Instant.parse(s.getValue().startedAt());
            if (declared.get() == 1) {
                wave = 1;
            } else if (!start.isBefore(busyUntil)) {
                wave++;
            }
            Instant end = s.getValue().finishedAt().map(Instant::parse).orElse(Instant.MAX);
            busyUntil = end.isAfter(busyUntil) ? end : busyUntil;
            out.put(s.getKey(), wave);
        }
        return wave == declared.get() ? out : Map.of();
    }
}
