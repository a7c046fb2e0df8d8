package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.plans.model.Hook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a pre/post hook: a local command in the plan's directory (output to a log file beside the journal), or a
 * Job on targets that run Jobs. A hook sees {@code KV_MIGRATE_PLAN}, {@code KV_MIGRATE_VM} and
 * {@code KV_MIGRATE_TARGET_NAME}. Hooks may run again on {@code --resume} when a crash cut them short: make them
 * idempotent.
 */
final class HookRunner {
    private final Path workDir;
    private final Path logDir;
    private final String plan;

    HookRunner(Path workDir, Path logDir, String plan) {
        this.workDir = workDir;
        this.logDir = logDir;
        this.plan = plan;
    }

    /** Runs the hook; returns a one-line description of what ran. */
    String run(Hook hook, String phase, VmWork vm, Target target) {
        Map<String, String> env = Map.of("KV_MIGRATE_PLAN", plan, "KV_MIGRATE_VM", vm.name(),
                "KV_MIGRATE_TARGET_NAME", vm.targetName(), "KV_MIGRATE_HOOK", phase);
        if (!hook.isLocal()) {
            if (!(target instanceof HookJobs jobs)) {
                throw KvMigrateException.invalidInput("VM " + vm.name() + ": the " + phase + " hook runs image "
                        + hook.image().get() + " as a Job, but target " + target.describe() + " cannot run Jobs;"
                        + " use a command hook, or a cluster target");
            }
            String job = KubernetesName.of("kvm-" + plan + "-" + vm.targetName() + "-" + phase);
            jobs.runJob(job, hook.image().get(), hook.args(), env, hook.timeoutOrDefault());
            return "Job " + job + " (" + hook.image().get() + ") succeeded";
        }
        Path log = logDir.resolve(KubernetesName.of(vm.name()) + "-" + phase + ".log");
        try {
            Files.createDirectories(logDir);
            ProcessBuilder pb = new ProcessBuilder(hook.command()).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(hook.timeoutOrDefault().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new KvMigrateException(ExitCode.FINDINGS, "VM " + vm.name() + ": " + phase + " hook "
                        + hook.command().get(0) + " ran longer than " + hook.timeoutOrDefault().toSeconds()
                        + " s and was killed; see " + log + " or raise its timeout");
            }
            if (p.exitValue() != 0) {
                throw new KvMigrateException(ExitCode.FINDINGS, "VM " + vm.name() + ": " + phase + " hook "
                        + String.join(" ", hook.command()) + " exited " + p.exitValue() + "; see " + log);
            }
            return String.join(" ", hook.command()) + " exited 0 (log " + log + ")";
        } catch (IOException e) {
            throw KvMigrateException.invalidInput("VM " + vm.name() + ": cannot run " + phase + " hook "
                    + hook.command().get(0) + " in " + workDir + ": " + e.getMessage()
                    + "; check the command path (relative to the plan file) and that it is executable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(ExitCode.INTERRUPTED, "interrupted during the " + phase + " hook of VM "
                    + vm.name(), e);
        }
    }
}
