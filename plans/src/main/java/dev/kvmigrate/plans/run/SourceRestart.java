package dev.kvmigrate.plans.run;

/**
 * Whether a failed VM's source is started again. Only a source that this plan powered off is touched, and only
 * while no copy of the VM may run on the target: two running copies would share MAC addresses and disks' futures.
 */
public final class SourceRestart {
    private SourceRestart() {}

    /**
     * The decision: restart, or leave the source as it is and why.
     *
     * @param restart start the source now
     * @param reason why not (empty when {@code restart}), or what will happen
     */
    public record Decision(boolean restart, String reason) {
        static Decision yes() {
            return new Decision(true, "");
        }

        static Decision no(String reason) {
            return new Decision(false, reason);
        }
    }

    /**
     * Decides for a VM that failed.
     *
     * @param stoppedByPlan the plan powered the source off (this run or one it resumes) and has not started it since
     * @param restartSource the plan's {@code options.rollback.restartSource}
     * @param targetStarted the target VM was asked to run (step {@code start} reached)
     * @param interrupted the run was interrupted (Ctrl-C), not failed
     * @return {@code null} when there is nothing to decide (the plan did not power the source off)
     */
    public static Decision decide(boolean stoppedByPlan, boolean restartSource, boolean targetStarted,
            boolean interrupted) {
        if (!stoppedByPlan) {
            return null;
        }
        if (interrupted) {
            return Decision.no("left off: the run was interrupted; `plan run --resume` continues the VM, `plan run"
                    + " --only VM --rollback` gives it up and starts the source");
        }
        if (!restartSource) {
            return Decision.no("left off: options.rollback.restartSource is false; start it by hand, or `plan run"
                    + " --only VM --rollback`");
        }
        if (targetStarted) {
            return Decision.no("left off: the target VM was started, two running copies must not exist; `plan run"
                    + " --only VM --rollback` removes the target VM and starts the source");
        }
        return Decision.yes();
    }
}
