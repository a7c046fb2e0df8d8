package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.converter.ManifestWriter;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.report.ReportWriter;
import dev.kvmigrate.plans.report.RunReport;
import dev.kvmigrate.plans.report.AtomicFile;
import dev.kvmigrate.plans.run.ClusterTarget;
import dev.kvmigrate.plans.run.DirectoryTarget;
import dev.kvmigrate.plans.run.KubernetesExecutor;
import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.PlanRunner;
import dev.kvmigrate.plans.run.PlanSources;
import dev.kvmigrate.plans.run.PlanTargets;
import dev.kvmigrate.plans.run.ReportBuilder;
import dev.kvmigrate.plans.run.RunListener;
import dev.kvmigrate.plans.run.RunState;
import dev.kvmigrate.plans.run.StepState;
import dev.kvmigrate.plans.run.Target;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
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
            "", "Exit codes: 0 every VM migrated, 1 some VM failed (see the report), 2 usage (also a journal exists"
                + " without --resume), 3 invalid plan, 4 source unreachable, 5 target error, 130 interrupted."})
final class PlanRunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

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
            description = "Container image for --executor kubernetes (default ${DEFAULT-VALUE}; build it from the"
                    + " Containerfile).")
    String image;

    @Option(names = "--apply-admin-patch", description = "Cluster targets: merge-patch the KubeVirt CR with the"
            + " permitted GPU/host devices, mdev types and feature gates the plan needs (never done otherwise).")
    boolean applyAdminPatch;

    @Option(names = "--concurrency", paramLabel = "N", description = "VMs and disk transfers at a time (default:"
            + " the plan's options.concurrency, else 2).")
    Integer concurrency;

    @Override
    public Integer call() {
        LoadedPlan lp = PlanReader.read(planFile);
        PrintWriter err = spec.commandLine().getErr();
        Inventory inv;
        try (VmSource src = PlanSources.open(lp)) {
            inv = src.scan(lp.plan().vms().selector());
        }
        err.println("kv-migrate: plan " + lp.plan().name() + ": " + inv.vms().size() + " VM(s) from "
                + lp.plan().source().describe() + " → " + lp.plan().target().describe());
        PlanConversion.Prepared p = PlanConversion.prepare(lp, inv);
        if (executor == Executor.kubernetes) {
            return scaleOut(lp, p);
        }
        if (dryRun) {
            return dryRun(lp, p, err);
        }
        Path reportDir;
        RunReport report;
        PlanRunner.Outcome outcome;
        try (Journal journal = Journal.open(lp.journal()); Target target = PlanTargets.open(lp);
                OptionalPower power = new OptionalPower(PlanSources.power(lp))) {
            if (target instanceof DirectoryTarget d) {
                int left = d.removeLeftovers();
                if (left > 0) {
                    err.println("kv-migrate: removed " + left + " half-written file(s) of an interrupted run");
                }
                d.writeAdmin(p.result().adminPatch());
            }
            if (applyAdminPatch) {
                if (!(target instanceof ClusterTarget c)) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--apply-admin-patch needs"
                            + " a cluster target; dir: targets get admin/kubevirt-cr-patch.yaml");
                }
                err.println("kv-migrate: patched KubeVirt CR " + String.join(", ", c.applyAdminPatch(
                        p.result().adminPatch().patch())));
            }
            outcome = PlanRunner.run(p, target, power.power, journal, new PlanRunner.Settings(resume,
                    new HashSet<>(only), Optional.ofNullable(concurrency)), listener(err));
            reportDir = target instanceof DirectoryTarget d ? d.dir().resolve("report")
                    : lp.file().resolveSibling(lp.file().getFileName() + ".report");
            report = ReportBuilder.build(p, RunState.of(Journal.read(lp.journal())), target.describe(),
                    Instant.now());
        }
        Path html = ReportWriter.write(report, reportDir);
        PrintWriter out = spec.commandLine().getOut();
        long ok = outcome.vms().values().stream().filter(b -> b).count();
        out.println("plan " + lp.plan().name() + ": " + ok + " of " + outcome.vms().size() + " VM(s) migrated to "
                + lp.plan().target().describe() + (outcome.waves().size() > 1 ? " in " + outcome.waves().size()
                + " GPU waves" : ""));
        out.println("report: " + html + " (also " + ReportWriter.JSON_FILE + ", " + ReportWriter.JUNIT_FILE + ")");
        out.flush();
        return outcome.allSucceeded() ? ExitCode.OK.code() : ExitCode.FINDINGS.code();
    }

    private int scaleOut(LoadedPlan lp, PlanConversion.Prepared p) {
        List<String> vms = p.vms().stream().map(v -> v.name()).filter(n -> only.isEmpty() || only.contains(n))
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            String ns = lp.plan().target().cluster().flatMap(c -> c.namespace()).orElse("default");
            Path file = lp.file().resolveSibling(lp.file().getFileName() + ".jobs.yaml");
            AtomicFile.write(file, KubernetesExecutor.yaml(KubernetesExecutor.objects(lp, vms, image, ns)));
            out.println("dry run: " + vms.size() + " Job(s) and the plan ConfigMap in " + file);
        } else {
            try (ClusterTarget c = PlanTargets.cluster(lp)) {
                var objects = KubernetesExecutor.objects(lp, vms, image, c.namespace());
                List<String> created = KubernetesExecutor.create(c.client(), objects);
                out.println("created " + (created.isEmpty() ? "nothing (all exist)" : String.join(", ", created))
                        + "; follow with `kubectl get jobs -l " + dev.kvmigrate.plans.run.PlanConversion.LABEL_PLAN
                        + "=" + lp.plan().name() + " -n " + c.namespace() + "`");
            }
        }
        out.flush();
        return ExitCode.OK.code();
    }

    private int dryRun(LoadedPlan lp, PlanConversion.Prepared p, PrintWriter err) {
        Path dir = lp.file().resolveSibling(lp.file().getFileName() + ".dry-run");
        ManifestWriter.write(p.decorated(), dir.resolve("manifests"), dev.kvmigrate.converter.OutputFormat.YAML);
        RunReport report = ReportBuilder.dryRun(p, lp.plan().target().describe(), Instant.now());
        Path html = ReportWriter.write(report, dir.resolve("report"));
        PrintWriter out = spec.commandLine().getOut();
        p.vms().forEach(v -> out.println(v.name() + " → " + v.targetName() + (v.blocked() ? " BLOCKED: "
                + v.blockers().get(0).message() : " (" + v.disks().size() + " disk(s), " + v.gpus().size()
                + " GPU type(s))")));
        out.println("dry run: manifests and admin patch in " + dir.resolve("manifests") + "; nothing was touched");
        out.println("report: " + html);
        out.flush();
        return p.vms().stream().anyMatch(v -> v.blocked()) ? ExitCode.FINDINGS.code() : ExitCode.OK.code();
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

    /** The source's power control, when it has one, closed with the run. */
    private static final class OptionalPower implements AutoCloseable {
        final Optional<PowerControl> power;

        OptionalPower(Optional<PowerControl> power) {
            this.power = power;
        }

        @Override
        public void close() {
            power.ifPresent(PowerControl::close);
        }
    }
}
