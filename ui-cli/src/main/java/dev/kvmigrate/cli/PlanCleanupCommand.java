package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.PlanCleanup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kv-migrate plan cleanup}: deletes what a plan created in its cluster, by the plan's labels. */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Delete what the plan created in its cluster: VirtualMachines, Jobs (hooks, executor),",
            "DataVolumes, PVCs, ResourceClaimTemplates, ResourceClaims, and the scale-out's ConfigMaps, RoleBindings,",
            "Roles and ServiceAccounts labelled kv-migrate.dev/plan=<plan>",
            "(and kv-migrate.dev/vm=<target name> with --only), in the target namespace and the overrides'",
            "namespaces. Nothing else is touched. The source and the journal are left as they are.",
            "A dir: target has nothing in a cluster; its output directory is left for you to remove."},
        footer = {"", "Exit codes: 0 done (also: nothing found), 2 usage, 3 invalid plan, 5 target error."})
final class PlanCleanupCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Parameters(index = "0", paramLabel = "PLAN", description = "Plan file.")
    Path planFile;

    @Option(names = "--only", paramLabel = "VM", description = "Only this source VM's objects (repeatable).")
    List<String> only = new ArrayList<>();

    @Option(names = "--dry-run", description = "List what would be deleted; delete nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        LoadedPlan lp = PlanReader.read(planFile);
        PrintWriter out = spec.commandLine().getOut();
        PlanCleanup.Result r = PlanCleanup.run(lp, new HashSet<>(only), dryRun);
        if (r.note().isPresent()) {
            out.println("plan " + lp.plan().name() + ": " + r.note().get());
            out.flush();
            return ExitCode.OK.code();
        }
        if (r.items().isEmpty()) {
            out.println("plan " + lp.plan().name() + ": nothing labelled with it on " + r.target());
            out.flush();
            return ExitCode.OK.code();
        }
        int kindW = "KIND".length();
        int nameW = "NAME".length();
        for (PlanCleanup.Item i : r.items()) {
            kindW = Math.max(kindW, i.kind().length());
            nameW = Math.max(nameW, (i.namespace() + "/" + i.name()).length());
        }
        String fmt = "%-" + kindW + "s  %-" + nameW + "s  %s%n";
        out.printf(fmt, "KIND", "NAME", "ACTION");
        for (PlanCleanup.Item i : r.items()) {
            out.printf(fmt, i.kind(), i.namespace() + "/" + i.name(), i.action());
        }
        out.println(r.items().size() + " object(s) of plan " + lp.plan().name() + " on " + r.target()
                + (dryRun ? "; dry run: nothing deleted" : ""));
        out.flush();
        return ExitCode.OK.code();
    }
}
