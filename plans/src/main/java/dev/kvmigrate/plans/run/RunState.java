package dev.kvmigrate.plans.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plan run as its journal tells it: per VM the latest state of each step and disk. Built by folding entries,
 * so {@code plan status} (another process), {@code --resume} and the report all read the same truth.
 */
public final class RunState {
    /** The latest state of one step. */
    public record StepStatus(String step, StepState state, String startedAt, String updatedAt,
            Optional<String> message) {}

    /** The latest state of one disk's import. */
    public record DiskStatus(String disk, StepState state, long done, long total, long wireBytes, double rate,
            Optional<String> digest, String startedAt, String updatedAt, Optional<String> message) {}

    /**
     * One VM. {@code outcome} is set when its pipeline ended (SUCCEEDED or FAILED). {@code sourceStoppedByPlan}:
     * the plan powered the source off and has not started it again (so a failure or a rollback starts it).
     * {@code target}: the VM's name on the target, as its last pipeline recorded it.
     */
    public record VmState(String vm, Map<String, StepStatus> steps, Map<String, DiskStatus> disks,
            Optional<StepState> outcome, Optional<String> error, boolean sourceStoppedByPlan,
            Optional<String> target) {
        public VmState(String vm, Map<String, StepStatus> steps, Map<String, DiskStatus> disks,
                Optional<StepState> outcome, Optional<String> error) {
            this(vm, steps, disks, outcome, error, false, Optional.empty());
        }

        /** What became of the source after a failure or rollback, when there is something to say. */
        public Optional<StepStatus> sourceRestart() {
            return Optional.ofNullable(steps.get(Step.SOURCE_RESTART));
        }

        public boolean stepDone(String step) {
            StepStatus s = steps.get(step);
            return s != null && (s.state() == StepState.SUCCEEDED || s.state() == StepState.SKIPPED);
        }

        /** The step now running or last reached. */
        public Optional<StepStatus> current() {
            StepStatus last = null;
            for (StepStatus s : steps.values()) {
                last = s;
            }
            return Optional.ofNullable(last);
        }
    }

    private final Map<String, VmState> vms;
    private final Optional<String> started;
    private final Optional<StepState> runOutcome;
    private final List<JournalEntry> entries;

    private RunState(Map<String, VmState> vms, Optional<String> started, Optional<StepState> runOutcome,
            List<JournalEntry> entries) {
        this.vms = vms;
        this.started = started;
        this.runOutcome = runOutcome;
        this.entries = entries;
    }

    public static RunState of(List<JournalEntry> entries) {
        Map<String, Map<String, StepStatus>> steps = new LinkedHashMap<>();
        Map<String, Map<String, DiskStatus>> disks = new LinkedHashMap<>();
        Map<String, StepState> outcomes = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, Boolean> stopped = new LinkedHashMap<>();
        Map<String, String> targets = new LinkedHashMap<>();
        String started = null;
        StepState runOutcome = null;
        for (JournalEntry e : entries) {
            if (e.vm().isEmpty()) {
                if (e.step().equals(Step.RUN)) {
                    if (e.state() == StepState.STARTED) {
                        started = started == null ? e.time() : started;
                        runOutcome = null;
                    } else {
                        runOutcome = e.state();
                    }
                }
                continue;
            }
            String vm = e.vm().get();
            steps.computeIfAbsent(vm, k -> new LinkedHashMap<>());
            disks.computeIfAbsent(vm, k -> new LinkedHashMap<>());
            if (e.step().equals(Step.ROLLBACK) && e.state() == StepState.SUCCEEDED) {
                // Rolled back: target objects gone, source started; a later run starts the VM over.
                steps.get(vm).clear();
                disks.get(vm).clear();
                outcomes.remove(vm);
                errors.remove(vm);
                stopped.put(vm, false);
                steps.get(vm).put(e.step(), new StepStatus(e.step(), e.state(), e.time(), e.time(),
                        e.detail("message")));
                continue;
            }
            if (e.step().equals(Step.SOURCE_POWER.id()) && e.state() == StepState.SUCCEEDED
                    && e.detail("poweredOff").map(Boolean::parseBoolean).orElse(false)) {
                stopped.put(vm, true);
            }
            if (e.step().equals(Step.SOURCE_RESTART) && e.state() == StepState.SUCCEEDED) {
                // The source ran again: what was copied of it before is stale; its disks are sent again.
                stopped.put(vm, false);
                disks.get(vm).replaceAll((k, d) -> new DiskStatus(d.disk(), d.state(), d.done(), d.total(),
                        d.wireBytes(), d.rate(), Optional.empty(), d.startedAt(), d.updatedAt(), d.message()));
            }
            if (e.step().equals(Step.VM)) {
                e.detail("target").ifPresent(t -> targets.put(vm, t));
                if (e.state() == StepState.STARTED) {
                    outcomes.remove(vm);
                    errors.remove(vm);
                } else {
                    outcomes.put(vm, e.state());
                    e.detail("error").ifPresentOrElse(m -> errors.put(vm, m), () -> errors.remove(vm));
                }
            } else if (e.step().equals(Step.IMPORT_DISK)) {
                String disk = e.detail("disk").orElse("?");
                DiskStatus prev = disks.get(vm).get(disk);
                String startedAt = prev == null || e.state() == StepState.STARTED ? e.time() : prev.startedAt();
                disks.get(vm).put(disk, new DiskStatus(disk, e.state(), num(e, "done", prev == null ? 0 : prev.done()),
                        num(e, "total", prev == null ? 0 : prev.total()), num(e, "wire", prev == null ? 0
                                : prev.wireBytes()), e.detail("rate").map(Double::parseDouble).orElse(0.0),
                        e.detail("digest"), startedAt, e.time(), e.detail("error").or(() -> e.detail("message"))));
            } else {
                StepStatus prev = steps.get(vm).get(e.step());
                String startedAt = prev == null || e.state() == StepState.STARTED ? e.time() : prev.startedAt();
                steps.get(vm).remove(e.step());
                steps.get(vm).put(e.step(), new StepStatus(e.step(), e.state(), startedAt, e.time(),
                        e.detail("error").or(() -> e.detail("message"))));
            }
        }
        Map<String, VmState> out = new LinkedHashMap<>();
        for (String vm : steps.keySet()) {
            out.put(vm, new VmState(vm, steps.get(vm),
                    disks.get(vm), Optional.ofNullable(outcomes.get(vm)), Optional.ofNullable(errors.get(vm)),
                    stopped.getOrDefault(vm, false), Optional.ofNullable(targets.get(vm))));
        }
        return new RunState(out, Optional.ofNullable(started), Optional.ofNullable(runOutcome),
                List.copyOf(entries));
    }

    private static long num(JournalEntry e, String key, long fallback) {
        return e.detail(key).map(Long::parseLong).orElse(fallback);
    }

    public Map<String, VmState> vms() {
        return vms;
    }

    public Optional<VmState> vm(String name) {
        return Optional.ofNullable(vms.get(name));
    }

    public Optional<String> started() {
        return started;
    }

    public Optional<StepState> runOutcome() {
        return runOutcome;
    }

    public List<JournalEntry> entries() {
        return entries;
    }

    /** Progress samples of all disks, for the throughput chart: (time, disk, wire bytes so far). */
    public List<JournalEntry> progress() {
        List<JournalEntry> out = new ArrayList<>();
        for (JournalEntry e : entries) {
            if (e.step().equals(Step.IMPORT_DISK) && e.detail("wire").isPresent()) {
                out.add(e);
            }
        }
        return out;
    }
}
