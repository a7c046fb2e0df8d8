package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.converter.validate.ClusterProbe;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.model.PlanTarget;
import dev.kvmigrate.plans.run.WaveCoordinator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kv-migrate plan coordinate}: starts a scale-out's GPU waves one after another, in the cluster. */
@Command(name = "coordinate", mixinStandardHelpOptions = true,
        description = {"Run a scale-out's GPU waves in order: each wave's Indexed Job after the one before has",
            "finished (Complete, or Failed because some VM failed). Run by the coordinator Job that",
            "`plan run --executor kubernetes` creates when the plan needs more than one wave; keeps no state of its",
            "own, so a retried pod carries on. Needs get/list/watch/patch on the plan's Jobs."},
        footer = {"", "Exit codes: 0 every wave finished, 3 invalid plan or no wave Jobs, 5 target error,"
                + " 130 interrupted."})
final class PlanCoordinateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Parameters(index = "0", paramLabel = "PLAN", description = "Plan file (in the Job: the mounted ConfigMap's).")
    Path planFile;

    @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "PT5S",
            description = "How often the wave Jobs are read (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration poll;

    @Override
    public Integer call() throws InterruptedException {
        LoadedPlan lp = PlanReader.read(planFile);
        PrintWriter out = spec.commandLine().getOut();
        PlanTarget.Cluster c = lp.plan().target().cluster().orElseThrow(() ->
                dev.kvmigrate.common.KvMigrateException.invalidInput("plan coordinate: " + planFile + " targets "
                        + lp.plan().target().describe() + "; waves are coordinated only in a cluster"));
        try (KubernetesClient client = ClusterProbe.connect(c.kubeconfig().map(k -> lp.resolve(k).toFile()),
                c.context())) {
            String ns = c.namespace().orElse(client.getNamespace() == null ? "default" : client.getNamespace());
            new WaveCoordinator(client, ns, lp.plan().name()).run(poll, line -> {
                out.println("plan " + lp.plan().name() + ": " + line);
                out.flush();
            });
        }
        return ExitCode.OK.code();
    }
}
