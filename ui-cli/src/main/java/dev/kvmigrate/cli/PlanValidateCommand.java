package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.converter.ManifestWriter;
import dev.kvmigrate.converter.OutputFormat;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.ClusterProbe;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.model.PlanTarget;
import dev.kvmigrate.plans.run.PlanCheck;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.PlanRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kv-migrate plan validate}: everything that would stop a run, before anything moves. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a plan: file errors (file:line:column), VMs that do not resolve, unmapped networks,"
                + " storage and GPUs, the converter's blockers, every object against the bundled OpenAPI schemas"
                + " (KubeVirt, CDI, Kubernetes); with --from-cluster against the cluster's own schemas and also the"
                + " validate rules that need it (permitted GPU names, storage classes, NADs, GPU capacity for the"
                + " whole plan).",
        footer = {"", "Exit codes: 0 no blocker, 1 blockers found, 3 invalid plan or a KubeVirt version not bundled,"
                + " 4 source or cluster unreachable."})
final class PlanValidateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Parameters(index = "0", paramLabel = "PLAN", description = "Plan file.")
    Path planFile;

    @Option(names = "--from-cluster", description = "Also check against the plan's target cluster (its own OpenAPI"
            + " schemas instead of the bundled ones).")
    boolean fromCluster;

    @Mixin
    SchemaOptions schemaOptions;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write the objects that were checked (as"
            + " `convert --out` does: one YAML per object, admin/ patch and concerns).")
    Path out;

    @Override
    public Integer call() {
        schemaOptions.checkUsage(fromCluster);
        LoadedPlan lp = PlanReader.read(planFile);
        PlanConversion.Prepared p = PlanRun.prepare(lp, problem ->
                spec.commandLine().getErr().println("kv-migrate: warning: " + problem));
        if (out != null) {
            ManifestWriter.write(p.result(), out, OutputFormat.YAML);
        }
        List<PlanCheck.Finding> findings = new ArrayList<>(PlanCheck.check(p));
        SchemaSet schemas;
        if (fromCluster) {
            PlanTarget.Cluster c = lp.plan().target().cluster().orElseThrow(() ->
                    new picocli.CommandLine.ParameterException(spec.commandLine(), "--from-cluster needs a plan"
                            + " whose target is a cluster; " + lp.file() + " targets " + lp.plan().target().describe()));
            try (KubernetesClient client = ClusterProbe.connectToAsk(
                    c.kubeconfig().map(k -> lp.resolve(k).toFile()), c.context())) {
                ClusterProbe.Probe probe = ClusterProbe.probe(client);
                schemas = schemaOptions.withCluster(probe.schemas());
                findings.addAll(PlanCheck.checkObjects(p, schemas, probe.facts()));
            }
        } else {
            schemas = schemaOptions.bundled();
            findings.addAll(PlanCheck.checkObjects(p, schemas, ClusterFacts.NONE));
        }
        var w = spec.commandLine().getOut();
        p.result().gpuTarget().why().ifPresent(w::println);
        for (PlanCheck.Finding f : findings) {
            w.println(f);
        }
        w.println(SchemaOptions.describe(schemas));
        long blockers = findings.stream().filter(f -> f.severity() == Severity.BLOCKER).count();
        w.println(lp.file().getFileName() + ": " + p.vms().size() + " VM(s), " + blockers + " blocker(s), "
                + findings.stream().filter(f -> f.severity() == Severity.WARNING).count() + " warning(s)");
        w.flush();
        return blockers > 0 ? ExitCode.FINDINGS.code() : ExitCode.OK.code();
    }

}
