package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.report.ReportWriter;
import dev.kvmigrate.plans.run.ConversionFacts;
import dev.kvmigrate.plans.run.KubernetesExecutor;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.PlanRun;
import dev.kvmigrate.plans.run.PlanRunner;
import dev.kvmigrate.plans.run.RunListener;
import dev.kvmigrate.plans.run.StepState;
import dev.kvmigrate.plans.run.VmList;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kv-migrate plan run}: the migration itself, resumable, journalled, with a report at the end. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Migrate a plan's VMs: per VM validate, pre-hook, check/power off the source, create",
            "DataVolumes, import disks (largest first, under the plan's bandwidth cap), create the VM, start it",
            "when asked, post-hook. Every state change goes to <plan>.journal (fsync'd); after a crash or Ctrl-C,",
            "--resume continues without duplicating objects or re-sending disks. Ends with report.json,",
            "report.xml (JUnit) and report.html."},
        footer = {"", "Reports: dir: targets in DIR/report/, cluster targets in <plan>.report/, dry runs in"
                + " <plan>.dry-run/report/.",
            "", "--only VM --rollback gives a VM up: its objects on the target (by the plan's labels) are removed, its"
                + " source is started if the plan powered it off, and a later --resume starts it over. Exit codes"
                + " there: 0 rolled back, 1 some rollback failed, 2 usage.",
            "", "Exit codes: 0 every VM migrated, 1 some VM failed (see the report), 2 usage (also a journal exists"
                + " without --resume), 3 invalid plan, 4 source unreachable, 5 target error, 130 interrupted (Ctrl-C or"
                + " `plan cancel`)."})
final class PlanRunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Mixin
    StateDirOption state;

    @Parameters(index = "0", paramLabel = "PLAN", description = "Plan file.")
    Path planFile;

    @Option(names = "--dry-run", description = "Write manifests, the admin patch and the report; touch nothing.")
    boolean dryRun;

    @Option(names = "--resume", description = "Continue the run recorded in the plan's journal.")
    boolean resume;

    @Option(names = "--only", paramLabel = "VM", description = "Run only this VM (repeatable).")
    List<String> only = new ArrayList<>();

    enum Executor { local, kubernetes }

    @Option(names = "--executor", defaultValue = "local", paramLabel = "local|kubernetes",
            description = "local: migrate from this process (default). kubernetes: create one Job per VM on the target"
                    + " cluster running `plan run --only VM` from --image (with --dry-run: write them to"
                    + " <plan>.jobs.yaml).")
    Executor executor;

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = "quay.io/kv-migrate/kv-migrate:0.1.0",
            description = "Container image for --executor kubernetes (default ${DEFAULT-VALUE}; build it with"
                    + " 'mvn -pl ui-cli -am -Pimage package' and push it with skopeo, see the README).")
    String image;

    @Option(names = "--apply-admin-patch", description = "Cluster targets: merge-patch the KubeVirt CR with the"
            + " permitted GPU/host devices, mdev types and feature gates the plan needs (never done otherwise).")
    boolean applyAdminPatch;

    @Option(names = "--rollback", description = "With --only VM: remove the VM's objects from the target and start"
            + " its source again if the plan powered it off; the journal marks it rolled back, so --resume starts it"
            + " over.")
    boolean rollback;

    @Option(names = "--vm-list", paramLabel = "FILE", description = "Run one VM of this list (a JSON array of VM"
            + " names, as the scale-out's wave-N.json): the one at --index, else at $JOB_COMPLETION_INDEX (set by"
            + " Kubernetes in each pod of an Indexed Job).")
    Path vmList;

    @Option(names = "--index", paramLabel = "N", description = "With --vm-list: the 0-based position of the VM to"
            + " run (default: $JOB_COMPLETION_INDEX).")
    Integer index;

    @Option(names = "--cluster-facts", paramLabel = "FILE", description = "Convert with these cluster facts (GPUs,"
            + " storage profiles, overhead) instead of asking the cluster: the scale-out's pods convert as the"
            + " workstation that submitted them did.")
    Path clusterFacts;

    @Option(names = "--state-in-cluster", description = "Keep the run's journal in the cluster (a ConfigMap per VM)"
            + " so a retried pod resumes from it and `plan status --from-cluster` shows it; used by the scale-out"
            + " Jobs. Cluster targets only.")
    boolean stateInCluster;

    @Option(names = "--concurrency", paramLabel = "N", description = "VMs and disk transfers at a time (default:"
            + " the plan's options.concurrency, else 2).")
    Integer concurrency;

    @Override
    public Integer call() {
        LoadedPlan lp = state.apply(PlanReader.read(planFile));
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (vmList != null) {
            only.add(VmList.pick(vmList, Optional.ofNullable(index), System.getenv()));
        } else if (index != null) {
            throw new KvMigrateException(ExitCode.USAGE, "--index needs --vm-list");
        }
        PlanConversion.Prepared p = PlanRun.prepare(lp, problem -> err.println("kv-migrate: warning: " + problem),
                Optional.ofNullable(clusterFacts).map(ConversionFacts::read));
        err.println("kv-migrate: plan " + lp.plan().name() + ": " + p.inventory().vms().size() + " VM(s) from "
                + lp.plan().source().describe() + " → " + lp.plan().target().describe());
        p.result().gpuTarget().why().ifPresent(why -> err.println("kv-migrate: " + why));
        PlanRun.Request request = new PlanRun.Request(dryRun, resume, new HashSet<>(only),
                Optional.ofNullable(concurrency), executor == Executor.kubernetes ? PlanRun.Executor.KUBERNETES
                        : PlanRun.Executor.LOCAL, image, applyAdminPatch, rollback, stateInCluster);
        PlanRun.Result result = PlanRun.run(p, request, note -> {
            err.println("kv-migrate: " + note);
            err.flush();
        }, listener(err));
        int code = render(out, lp, result);
        out.flush();
        return code;
    }

    private static int render(PrintWriter out, LoadedPlan lp, PlanRun.Result result) {
        if (result instanceof PlanRun.Ran ran) {
            PlanRunner.Outcome outcome = ran.outcome();
            long ok = outcome.vms().values().stream().filter(b -> b).count();
            out.println("plan " + lp.plan().name() + ": " + ok + " of " + outcome.vms().size() + " VM(s) migrated to "
                    + lp.plan().target().describe() + (outcome.waves().size() > 1 ? " in " + outcome.waves().size()
                    + " GPU waves" : ""));
            out.println("report: " + ran.report() + " (also " + ReportWriter.JSON_FILE + ", " + ReportWriter.JUNIT_FILE
                    + ")");
            if (outcome.cancelled()) {
                out.println("cancelled by `plan cancel`: the journal is consistent; `kv-migrate plan run "
                        + lp.file().getFileName() + " --resume` continues");
                return ExitCode.INTERRUPTED.code();
            }
            return outcome.allSucceeded() ? ExitCode.OK.code() : ExitCode.FINDINGS.code();
        }
        if (result instanceof PlanRun.RolledBack rb) {
            rb.vms().forEach((vm, r) -> out.println(vm + ": " + r.error().orElseGet(() -> (r.removed().isEmpty()
                    ? "nothing on the target" : "removed " + String.join(", ", r.removed())) + "; " + r.source())));
            out.println("rolled back " + rb.vms().values().stream().filter(r -> r.ok()).count() + " of "
                    + rb.vms().size() + " VM(s); `plan run " + lp.file().getFileName() + " --resume` starts them over");
            return rb.allSucceeded() ? ExitCode.OK.code() : ExitCode.FINDINGS.code();
        }
        if (result instanceof PlanRun.DryRun dry) {
            dry.prepared().vms().forEach(v -> out.println(v.name() + " → " + v.targetName() + (v.blocked()
                    ? " BLOCKED: " + v.blockers().get(0).message() : " (" + v.disks().size() + " disk(s), "
                    + v.gpus().size() + " GPU type(s))")));
            out.println("dry run: manifests and admin patch in " + dry.manifests() + "; nothing was touched");
            out.println("report: " + dry.report());
            return dry.prepared().vms().stream().anyMatch(v -> v.blocked()) ? ExitCode.FINDINGS.code()
                    : ExitCode.OK.code();
        }
        PlanRun.ScaledOut s = (PlanRun.ScaledOut) result;
        KubernetesExecutor.Submission sub = s.submission();
        out.println("scale-out: " + s.vms().size() + " VM(s) in " + sub.waves().size() + " wave(s) of Indexed Jobs, "
                + sub.concurrency() + " pod(s) at a time" + (sub.waves().size() > 1 ? "; a coordinator Job starts"
                + " each wave when the one before has finished" : "") + KubernetesExecutor.bandwidthShare(
                lp.plan(), sub.pods()).map(b -> "; bandwidth " + lp.plan().options().bandwidth().orElseThrow()
                + " split as " + b + " B/s per pod").orElse(""));
        if (s.file().isPresent()) {
            out.println("dry run: the Jobs, their RBAC and the plan ConfigMap in " + s.file().get());
        } else {
            out.println("created " + (s.created().isEmpty() ? "nothing (all exist)" : String.join(", ", s.created()))
                    + "; follow with `kubectl get jobs -l " + PlanConversion.LABEL_PLAN + "=" + lp.plan().name()
                    + " -n " + s.namespace() + "`, or `kv-migrate plan status " + lp.file().getFileName()
                    + " --from-cluster --watch`");
        }
        return ExitCode.OK.code();
    }

    private static RunListener listener(PrintWriter err) {
        return new RunListener() {
            @Override
            public synchronized void step(String vm, String step, StepState state, String detail) {
                if (state == StepState.STARTED && !step.equals("run") && !step.equals("vm")) {
                    return;
                }
                err.println("kv-migrate: " + (vm.isEmpty() ? "" : "[" + vm + "] ") + step + " " + state
                        + (detail.isEmpty() ? "" : ": " + detail));
                err.flush();
            }
        };
    }
}
