package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.model.PowerState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code plan run --only VM --rollback}: gives a VM up. Its objects on the target (by the plan's and the VM's owner
 * labels) are removed, its source is started when the plan had powered it off, and the journal records
 * {@code rollback}, after which a {@code --resume} starts the VM over (hooks, disks and all).
 */
public final class PlanRollback {
    /**
     * What became of one VM.
     *
     * @param removed the target objects removed ({@code Kind/name})
     * @param source what was done to the source
     * @param error why the rollback failed, when it did
     */
    public record VmRollback(String vm, List<String> removed, String source, Optional<String> error) {
        public boolean ok() {
            return error.isEmpty();
        }
    }

    private PlanRollback() {}

    public static Map<String, VmRollback> run(PlanConversion.Prepared prepared, Target target,
            Optional<PowerControl> power, Journal journal, Set<String> only, RunListener listener) {
        if (only.isEmpty()) {
            throw new KvMigrateException(ExitCode.USAGE, "--rollback needs --only VM: name the VM(s) to give up");
        }
        List<VmWork> vms = PlanRunner.select(prepared, only);
        RunState before = RunState.of(journal.entries());
        Recorder rec = new Recorder(journal, listener);
        Map<String, VmRollback> out = new LinkedHashMap<>();
        for (VmWork w : vms) {
            out.put(w.name(), one(w, target, power, before.vm(w.name()), rec));
        }
        return out;
    }

    private static VmRollback one(VmWork w, Target target, Optional<PowerControl> power,
            Optional<RunState.VmState> prior, Recorder rec) {
        rec.vm(w.name(), Step.ROLLBACK, StepState.STARTED, Map.of("target", w.targetName()));
        List<String> removed = List.of();
        String source = "";
        try {
            removed = target.removeVm(w);
            source = source(w, power, prior.map(RunState.VmState::sourceStoppedByPlan).orElse(false),
                    prior.flatMap(RunState.VmState::sourceRestart).map(r -> r.state() == StepState.SUCCEEDED)
                            .orElse(false));
        } catch (KvMigrateException e) {
            String error = "rollback of VM " + w.name() + " failed: " + e.getMessage();
            rec.vm(w.name(), Step.ROLLBACK, StepState.FAILED, Map.of("error", error));
            return new VmRollback(w.name(), removed, source, Optional.of(error));
        }
        String message = (removed.isEmpty() ? "nothing of it on " + target.describe() : "removed "
                + String.join(", ", removed) + " from " + target.describe()) + "; " + source;
        rec.vm(w.name(), Step.ROLLBACK, StepState.SUCCEEDED, Map.of("message", message));
        return new VmRollback(w.name(), removed, source, Optional.empty());
    }

    private static String source(VmWork w, Optional<PowerControl> power, boolean stoppedByPlan,
            boolean restartedBefore) {
        if (power.isEmpty()) {
            return "source: offline (nothing runs)";
        }
        if (stoppedByPlan) {
            power.get().powerOn(w.name(), java.time.Duration.ofMinutes(5));
            return "source restarted (the plan had powered it off)";
        }
        PowerState now = power.get().state(w.name());
        if (restartedBefore) {
            return "source left " + now + " (the run restarted it after the VM failed)";
        }
        return "source left " + now + " (the plan did not power it off" + (now == PowerState.SHUTOFF
                ? "; start it yourself if it should run" : "") + ")";
    }
}
