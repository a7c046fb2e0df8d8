package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.plans.model.MigrationPlan;
import dev.kvmigrate.plans.model.PlanOptions;
import dev.kvmigrate.plans.model.PlanSource;
import dev.kvmigrate.plans.model.RunningVmPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One VM's named steps, each recorded STARTED then SUCCEEDED / SKIPPED / FAILED. Every step is safe to repeat:
 * objects are ensured by name and owner labels, disks the journal says are in place (and the target still
 * holds) are not sent again, hooks that finished are not run again.
 */
final class VmPipeline {
    private final MigrationPlan plan;
    private final Target target;
    private final Optional<PowerControl> power;
    private final Recorder rec;
    private final RunState before;
    private final DiskPool diskPool;
    private final HookRunner hooks;
    private final PlanCancel cancel;

    VmPipeline(MigrationPlan plan, Target target, Optional<PowerControl> power, Recorder rec, RunState before,
            DiskPool diskPool, HookRunner hooks, PlanCancel cancel) {
        this.cancel = cancel;
        this.plan = plan;
        this.target = target;
        this.power = power;
        this.rec = rec;
        this.before = before;
        this.diskPool = diskPool;
        this.hooks = hooks;
    }

    /** Runs the VM's pipeline; returns whether it succeeded. Never throws for a VM's own failure. */
    boolean run(VmWork w) {
        // A VM that finished before is checked again, not skipped: objects are ensured and disks the target lost
        // are sent again; only finished hooks and disks still in place are left alone.
        Optional<RunState.VmState> prior = before.vm(w.name());
        rec.vm(w.name(), Step.VM, StepState.STARTED, Map.of("target", w.targetName()));
        Progress progress = new Progress(prior.map(RunState.VmState::sourceStoppedByPlan).orElse(false),
                prior.map(p -> p.steps().get(Step.START.id())).map(s -> s.state() == StepState.SUCCEEDED)
                        .orElse(false));
        try {
            step(w, Step.VALIDATE, () -> validate(w));
            hook(w, Step.PRE_HOOK, prior);
            step(w, Step.SOURCE_POWER, () -> sourcePower(w, progress));
            step(w, Step.CREATE_DATAVOLUMES, () -> ensureAll(w.disks().stream().map(DiskWork::manifest).toList()));
            step(w, Step.IMPORT_DISKS, () -> importDisks(w));
            step(w, Step.CREATE_VM, () -> ensureAll(w.vmObjects()));
            step(w, Step.START, () -> start(w, progress));
            hook(w, Step.POST_HOOK, prior);
            rec.vm(w.name(), Step.VM, StepState.SUCCEEDED, Map.of("target", w.targetName()));
            return true;
        } catch (StepFailed e) {
            restartSource(w, progress, e.code == ExitCode.INTERRUPTED);
            rec.vm(w.name(), Step.VM, StepState.FAILED, Map.of("error", e.getMessage(), "step", e.step));
            return false;
        }
    }

    /** What the pipeline did to the source and the target so far, for the rollback decision. */
    private static final class Progress {
        volatile boolean sourceStopped;
        volatile boolean targetStarted;

        Progress(boolean sourceStopped, boolean targetStarted) {
            this.sourceStopped = sourceStopped;
            this.targetStarted = targetStarted;
        }
    }

    /**
     * After a VM's failure: starts its source again when the plan powered it off (unless the plan says not to, or
     * the target VM may run). A failing start is recorded as its own step; the VM's own error stays its error.
     */
    private void restartSource(VmWork w, Progress progress, boolean interrupted) {
        SourceRestart.Decision d = SourceRestart.decide(progress.sourceStopped && power.isPresent(),
                plan.options().restartSourceOrDefault(), progress.targetStarted, interrupted);
        if (d == null) {
            return;
        }
        if (!d.restart()) {
            rec.vm(w.name(), Step.SOURCE_RESTART, StepState.SKIPPED, Map.of("message", "source " + d.reason()));
            return;
        }
        rec.vm(w.name(), Step.SOURCE_RESTART, StepState.STARTED, Map.of());
        try {
            power.get().powerOn(w.name(), plan.options().runningVmOrDefault().timeoutOrDefault());
            progress.sourceStopped = false;
            rec.vm(w.name(), Step.SOURCE_RESTART, StepState.SUCCEEDED, Map.of("message", "source restarted (the"
                    + " plan had powered it off)"));
        } catch (RuntimeException e) {
            rec.vm(w.name(), Step.SOURCE_RESTART, StepState.FAILED, Map.of("error", "source restart failed: "
                    + e.getMessage() + " (the source stays off; the VM's own failure is reported separately)"));
        }
    }

    /** A step's failure, already recorded; stops the VM's pipeline. */
    private static final class StepFailed extends RuntimeException {
        final String step;
        final ExitCode code;

        StepFailed(String step, String message, ExitCode code) {
            super(message, null, false, false);
            this.step = step;
            this.code = code;
        }
    }

    /** A step's result: done with a message, or skipped with the reason; {@code detail} goes to the journal too. */
    private record Result(StepState state, String message, Map<String, String> detail) {
        static Result done(String m) {
            return new Result(StepState.SUCCEEDED, m, Map.of());
        }

        /** The source is off because this plan powered it off (the journal keeps that for rollback). */
        static Result poweredOff(String m) {
            return new Result(StepState.SUCCEEDED, m, Map.of("poweredOff", "true"));
        }

        static Result skipped(String m) {
            return new Result(StepState.SKIPPED, m, Map.of());
        }
    }

    private void step(VmWork w, Step step, Supplier<Result> body) {
        if (cancel.requested()) {
            throw new StepFailed(step.id(), "cancelled by `plan cancel` before step " + step.id()
                    + "; `plan run --resume` continues", ExitCode.INTERRUPTED);
        }
        rec.vm(w.name(), step.id(), StepState.STARTED, Map.of());
        Result r;
        try {
            r = body.get();
        } catch (KvMigrateException e) {
            rec.vm(w.name(), step.id(), StepState.FAILED, Map.of("error", e.getMessage()));
            throw new StepFailed(step.id(), e.getMessage(), e.exitCode());
        } catch (RuntimeException e) {
            String m = "VM " + w.name() + ": step " + step.id() + " failed unexpectedly (" + e + "); this is a bug,"
                    + " run again with --debug and report it";
            rec.vm(w.name(), step.id(), StepState.FAILED, Map.of("error", m));
            throw new StepFailed(step.id(), m, ExitCode.INTERNAL);
        }
        Map<String, String> detail = new java.util.HashMap<>(r.detail());
        detail.put("message", r.message());
        rec.vm(w.name(), step.id(), r.state(), detail);
    }

    private void hook(VmWork w, Step step, Optional<RunState.VmState> prior) {
        var hook = step == Step.PRE_HOOK ? w.hooks().pre() : w.hooks().post();
        String phase = step == Step.PRE_HOOK ? "pre" : "post";
        if (prior.map(p -> p.stepDone(step.id())).orElse(false) && hook.isPresent()) {
            return;
        }
        step(w, step, () -> hook.map(h -> Result.done(hooks.run(h, phase, w, target)))
                .orElse(Result.skipped("no " + phase + " hook")));
    }

    private Result validate(VmWork w) {
        if (w.blocked()) {
            throw KvMigrateException.invalidInput("VM " + w.name() + " is blocked: " + w.blockers().stream()
                    .map(c -> c.code() + " " + c.message()).collect(Collectors.joining("; ")));
        }
        return Result.done(w.disks().size() + " disk(s), " + w.gpus().stream().mapToInt(g -> g.count()).sum()
                + " GPU(s)");
    }

    private Result sourcePower(VmWork w, Progress progress) {
        if (power.isEmpty()) {
            if (plan.source().kind() == PlanSource.Kind.LIBVIRT || plan.source().kind() == PlanSource.Kind.OVIRT) {
                // A live source without its power control: never copy disks of a VM that may be running.
                throw new KvMigrateException(ExitCode.INTERNAL, "VM " + w.name() + ": the run has no power control for its "
                        + plan.source().kind() + " source, so it cannot check that the VM is off; this is a bug,"
                        + " run again with --debug and report it");
            }
            return Result.skipped("offline source (" + plan.source().kind() + "): nothing runs");
        }
        PowerState state = power.get().state(w.name());
        if (state == PowerState.SHUTOFF) {
            return progress.sourceStopped ? Result.poweredOff("shut off (powered off by this plan earlier)")
                    : Result.done("shut off");
        }
        PlanOptions.RunningVm policy = plan.options().runningVmOrDefault();
        if (policy.policy() == RunningVmPolicy.REFUSE) {
            throw KvMigrateException.invalidInput("VM " + w.name() + " is " + state + " on the source; shut it down"
                    + " (or set options.runningVm.policy: shutdown, or destroy to power it off without asking), then"
                    + " `kv-migrate plan run --resume`");
        }
        Duration timeout = policy.timeoutOrDefault();
        if (policy.policy() == RunningVmPolicy.DESTROY) {
            power.get().powerOff(w.name(), timeout);
            progress.sourceStopped = true;
            return Result.poweredOff("was " + state + ", powered off without asking the guest (policy: destroy)");
        }
        power.get().shutdown(w.name(), timeout);
        progress.sourceStopped = true;
        return Result.poweredOff("was " + state + ", shut down gracefully");
    }

    private Result ensureAll(List<Manifest> objects) {
        List<String> created = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (Manifest m : objects) {
            (target.ensure(m) ? created : kept).add(m.kind() + "/" + m.name());
        }
        return Result.done((created.isEmpty() ? "" : "created " + String.join(", ", created))
                + (created.isEmpty() || kept.isEmpty() ? "" : "; ")
                + (kept.isEmpty() ? "" : "already there: " + String.join(", ", kept)));
    }

    private Result importDisks(VmWork w) {
        Optional<RunState.VmState> prior = before.vm(w.name());
        List<Future<DiskImporter.DiskResult>> futures = new ArrayList<>();
        List<DiskWork> sent = new ArrayList<>();
        int skipped = 0;
        for (DiskWork d : w.disks()) {
            if (!d.needsImport()) {
                continue;
            }
            Optional<String> digest = prior.map(p -> p.disks().get(d.dataVolume()))
                    .filter(s -> s.state() == StepState.SUCCEEDED || s.state() == StepState.SKIPPED)
                    .flatMap(RunState.DiskStatus::digest);
            if (digest.isPresent() && target.disks().holds(d, digest.get())) {
                rec.vm(w.name(), Step.IMPORT_DISK, StepState.SKIPPED, Map.of("disk", d.dataVolume(), "digest",
                        digest.get(), "message", "imported before; the target still holds it"));
                skipped++;
                continue;
            }
            sent.add(d);
            futures.add(diskPool.submit(d, () -> importOne(d)));
        }
        String error = null;
        for (Future<DiskImporter.DiskResult> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                error = error != null ? error : e.getCause().getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KvMigrateException(dev.kvmigrate.common.ExitCode.INTERRUPTED, "interrupted", e);
            }
        }
        if (error != null) {
            throw new KvMigrateException(cancel.requested() ? ExitCode.INTERRUPTED : ExitCode.TARGET_ERROR, error);
        }
        if (sent.isEmpty() && skipped == 0) {
            return Result.skipped("no disk to upload");
        }
        return Result.done(sent.size() + " imported" + (skipped > 0 ? ", " + skipped + " already in place" : ""));
    }

    private DiskImporter.DiskResult importOne(DiskWork d) {
        String vm = d.vm();
        cancel.check("before disk " + d.dataVolume() + " was sent");
        rec.vm(vm, Step.IMPORT_DISK, StepState.STARTED, Map.of("disk", d.dataVolume(), "total",
                Long.toString(d.virtualSize())));
        long[] lastLog = {0};
        try {
            DiskImporter.DiskResult r = target.disks().importDisk(d, (done, total, wire, rate) -> {
                cancel.check("while disk " + d.dataVolume() + " was sent (the transfer was aborted)");
                rec.listener().disk(vm, d.dataVolume(), done, total, rate);
                long now = System.nanoTime();
                synchronized (lastLog) {
                    if (now - lastLog[0] < 1_000_000_000L) {
                        return;
                    }
                    lastLog[0] = now;
                }
                rec.vm(vm, Step.IMPORT_DISK, StepState.PROGRESS, Map.of("disk", d.dataVolume(), "done",
                        Long.toString(done), "total", Long.toString(total), "wire", Long.toString(wire), "rate",
                        Long.toString((long) rate)));
            });
            rec.vm(vm, Step.IMPORT_DISK, StepState.SUCCEEDED, Map.of("disk", d.dataVolume(), "digest", r.digest(),
                    "done", Long.toString(r.contentBytes()), "total", Long.toString(r.contentBytes()), "wire",
                    Long.toString(r.wireBytes()), "seconds", String.format(java.util.Locale.ROOT, "%.3f",
                            r.seconds())));
            return r;
        } catch (RuntimeException e) {
            rec.vm(vm, Step.IMPORT_DISK, StepState.FAILED, Map.of("disk", d.dataVolume(), "error",
                    String.valueOf(e.getMessage())));
            throw e;
        }
    }

    private Result start(VmWork w, Progress progress) {
        if (!plan.options().start()) {
            return Result.skipped("options.startAfterImport is off");
        }
        if (!(target instanceof VmStarter starter)) {
            return Result.skipped("target " + target.describe() + " runs no VMs");
        }
        progress.targetStarted = true;
        starter.start(w.namespace(), w.targetName(), Duration.ofMinutes(10));
        return Result.done("Running");
    }
}
