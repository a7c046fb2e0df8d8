package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.PlanCancel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kv-migrate plan cancel}: asks the plan's run in progress to stop cleanly. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Ask the plan's run in progress (another process, the same machine or a shared directory) to",
            "stop: it aborts its transfers at the next chunk, records where each VM stopped, begins no other VM and",
            "exits 130. `plan run --resume` finishes it."},
        footer = {"", "Exit codes: 0 requested, 1 no run of the plan is in progress, 3 invalid plan."})
final class PlanCancelCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Mixin
    StateDirOption state;

    @Parameters(index = "0", paramLabel = "PLAN", description = "Plan file.")
    Path planFile;

    @Override
    public Integer call() {
        LoadedPlan lp = state.apply(PlanReader.read(planFile));
        PrintWriter out = spec.commandLine().getOut();
        if (!PlanCancel.request(lp)) {
            out.println("plan " + lp.plan().name() + ": no run in progress (its journal is not held); nothing to"
                    + " cancel");
            out.flush();
            return ExitCode.FINDINGS.code();
        }
        out.println("plan " + lp.plan().name() + ": cancel requested (" + PlanCancel.file(lp) + "); the run stops at"
                + " its next step or chunk and exits 130; `plan run " + lp.file().getFileName() + " --resume`"
                + " finishes it");
        out.flush();
        return ExitCode.OK.code();
    }
}
