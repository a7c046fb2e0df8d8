package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.converter.gpu.DeviceRequest;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.plans.model.LoadedPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a prepared plan against a target: VMs in GPU-aware waves, {@code concurrency} VMs (and disk transfers) at
 * a time, largest first, every state change in the journal. {@code resume} continues a journal that a crash or
 * Ctrl-C cut short; without it a journal with entries is refused rather than mixed with a new run.
 */
public final class PlanRunner {
    /**
     * How to run.
     *
     * @param resume continue the journal's run
     * @param only run just these source VMs (all selected when empty)
     * @param concurrency VMs and disk transfers at a time; absent: the plan's {@code options.concurrency}
     * @param cancel the plan's cancel request, polled between steps and chunks
     */
    public record Settings(boolean resume, Set<String> only, Optional<Integer> concurrency, PlanCancel cancel) {
        public Settings(boolean resume, Set<String> only, Optional<Integer> concurrency) {
            this(resume, only, concurrency, PlanCancel.NEVER);
        }

        public Settings {
            only = Set.copyOf(Objects.requireNonNullElse(only, Set.of()));
            concurrency = Objects.requireNonNullElse(concurrency, Optional.empty());
            cancel = Objects.requireNonNullElse(cancel, PlanCancel.NEVER);
        }
    }

    /**
     * What the run did: per VM whether it succeeded (VMs not run are absent), the waves it used, and whether
     * {@code plan cancel} stopped it.
     */
    public record Outcome(Map<String, Boolean> vms, List<List<String>> waves, boolean cancelled) {
        public Outcome(Map<String, Boolean> vms, List<List<String>> waves) {
            this(vms, waves, false);
        }

        public boolean allSucceeded() {
            return vms.values().stream().allMatch(b -> b);
        }
    }

    private PlanRunner() {}

    public static Outcome run(PlanConversion.Prepared prepared, Target target, Optional<PowerControl> power,
            Journal journal, Settings settings, RunListener listener) {
        LoadedPlan lp = prepared.plan();
        List<JournalEntry> earlier = journal.entries();
        if (!earlier.isEmpty() && !settings.resume()) {
            throw new KvMigrateException(ExitCode.USAGE, "journal " + journal.path() + " holds an earlier run of"
                    + " plan " + lp.plan().name() + "; continue it with --resume, or move the journal away to start"
                    + " afresh");
        }
        List<VmWork> selected = select(prepared, settings.only());
        int n = settings.concurrency().orElse(lp.plan().options().concurrencyOrDefault());
        if (n < 1) {
            throw new KvMigrateException(ExitCode.USAGE, "--concurrency must be at least 1, got " + n);
        }
        RunState before = RunState.of(earlier);
        Recorder rec = new Recorder(journal, listener);
        List<List<String>> waves = waves(selected, target, lp.plan().options().start());
        rec.run(StepState.STARTED, Map.of("target", target.describe(), "vms", Integer.toString(selected.size()),
                "waves", Integer.toString(waves.size()), "resume", Boolean.toString(settings.resume())));
        Map<String, Boolean> results = new LinkedHashMap<>();
        HookRunner hooks = new HookRunner(lp.baseDir(), lp.stateFile(".hooks"), lp.plan().name());
        ExecutorService vmPool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "plan-vm");
            t.setDaemon(true);
            return t;
        });
        try (DiskPool disks = new DiskPool(n)) {
            VmPipeline pipeline = new VmPipeline(lp.plan(), target, power, rec, before, disks, hooks,
                    settings.cancel());
            for (List<String> wave : waves) {
                if (settings.cancel().requested()) {
                    break;
                }
                List<Future<Boolean>> futures = new ArrayList<>();
                List<VmWork> inWave = selected.stream().filter(v -> wave.contains(v.name())).toList();
                for (VmWork w : inWave) {
                    // A VM whose turn comes after a cancel is not begun (null): nothing of it is recorded.
                    futures.add(vmPool.submit(() -> settings.cancel().requested() ? null : pipeline.run(w)));
                }
                for (int i = 0; i < inWave.size(); i++) {
                    Boolean ok = futures.get(i).get();
                    if (ok != null) {
                        results.put(inWave.get(i).name(), ok);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new KvMigrateException(ExitCode.INTERNAL, "plan run failed unexpectedly: " + e.getCause(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(ExitCode.INTERRUPTED, "plan run interrupted; continue with --resume", e);
        } finally {
            vmPool.shutdownNow();
        }
        boolean cancelled = settings.cancel().requested();
        boolean ok = results.values().stream().allMatch(b -> b) && !cancelled;
        long failed = results.values().stream().filter(b -> !b).count();
        rec.run(ok ? StepState.SUCCEEDED : StepState.FAILED, Map.of("message", (results.size() - failed)
                + " VM(s) migrated" + (failed > 0 ? ", " + failed + " failed" : "") + (cancelled ? "; cancelled by"
                + " `plan cancel`, " + (selected.size() - results.size()) + " VM(s) not begun; `plan run --resume`"
                + " continues" : "")));
        settings.cancel().clear();
        return new Outcome(results, waves, cancelled);
    }

    /** The VMs to run, largest first (total disk bytes), limited by {@code --only}. */
    static List<VmWork> select(PlanConversion.Prepared prepared, Set<String> only) {
        for (String name : only) {
            if (prepared.vm(name).isEmpty()) {
                throw KvMigrateException.invalidInput("--only " + name + ": the plan selects no such VM; it has "
                        + prepared.vms().stream().map(VmWork::name).toList());
            }
        }
        return prepared.vms().stream()
                .filter(v -> only.isEmpty() || only.contains(v.name()))
                .sorted(Comparator.comparingLong(VmWork::totalBytes).reversed())
                .toList();
    }

    static List<List<String>> waves(List<VmWork> vms, Target target, boolean start) {
        if (!start || !(target instanceof GpuCapacity capacity)) {
            return List.of(vms.stream().map(VmWork::name).toList());
        }
        List<Waves.Needs> needs = vms.stream().map(v -> new Waves.Needs(v.name(), devices(v))).toList();
        return Waves.plan(needs, capacity.allocatable());
    }

    private static Map<String, Integer> devices(VmWork v) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (DeviceRequest d : v.unit().devices()) {
            if (!d.isDra()) { // a DRA claim names a DeviceClass, which no node advertises as allocatable
                out.merge(d.resource(), 1, Integer::sum);
            }
        }
        return out;
    }
}
