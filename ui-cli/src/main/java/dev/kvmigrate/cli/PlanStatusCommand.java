package dev.kvmigrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.RunState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kv-migrate plan status}: per-VM progress read from the journal; works while a run goes on elsewhere. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a plan run's state from its journal (<plan>.journal): per VM the current step, disks,"
                + " bytes, rate and errors. Takes no lock: run it from another terminal while `plan run` works.",
        footer = {"", "Exit codes: 0 shown, 3 invalid plan or corrupt journal."})
final class PlanStatusCommand implements Callable<Integer> {
    enum Format { table, json }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Mixin
    StateDirOption state;

    @Parameters(index = "0", paramLabel = "PLAN", description = "Plan file.")
    Path planFile;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json",
            description = "Output: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--watch", description = "Redraw every 2 s until the run ends, or until no process holds the"
            + " plan and its journal stands still (an interrupted run).")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
        LoadedPlan lp = state.apply(PlanReader.read(planFile));
        PrintWriter out = spec.commandLine().getOut();
        int stillAt = -1;
        while (true) {
            // Holder first, journal second: a run that ends in between has written its outcome already.
            boolean held = Journal.isHeld(lp.journal());
            RunState state = RunState.of(Journal.read(lp.journal()));
            if (format == Format.json) {
                out.println(json(state).toPrettyString());
            } else {
                out.print(table(state, lp));
            }
            out.flush();
            boolean running = state.started().isPresent() && state.runOutcome().isEmpty();
            if (!watch || !running) {
                return 0;
            }
            if (!held && state.entries().size() == stillAt) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("kv-migrate: plan " + lp.plan().name() + ": no process holds the plan and its journal"
                        + " has not moved: the run was interrupted (crash, kill or power loss); continue it with"
                        + " `kv-migrate plan run --resume " + planFile + "`");
                err.flush();
                return 0;
            }
            stillAt = held ? -1 : state.entries().size();
            Thread.sleep(2000);
        }
    }

    static String table(RunState s, LoadedPlan lp) {
        if (s.started().isEmpty()) {
            return "plan " + lp.plan().name() + ": not run yet (no journal at " + lp.journal() + ")\n";
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-20s %-19s %-10s %-6s %-21s %-11s %s%n", "VM", "STEP", "STATE", "DISKS", "BYTES",
                "RATE", "MESSAGE"));
        for (RunState.VmState vm : s.vms().values()) {
            String step = vm.outcome().isPresent() ? "done" : vm.current().map(RunState.StepStatus::step).orElse("-");
            String st = vm.outcome().map(Enum::name).orElse(vm.current().map(c -> c.state().name()).orElse("-"));
            long done = vm.disks().values().stream().mapToLong(RunState.DiskStatus::done).sum();
            long total = vm.disks().values().stream().mapToLong(RunState.DiskStatus::total).sum();
            long finished = vm.disks().values().stream().filter(d -> d.digest().isPresent()).count();
            double rate = vm.disks().values().stream().filter(d -> d.digest().isEmpty())
                    .mapToDouble(RunState.DiskStatus::rate).sum();
            String msg = vm.outcome().isPresent() ? vm.error().orElse("")
                    : vm.current().flatMap(RunState.StepStatus::message).orElse("");
            b.append(String.format("%-20s %-19s %-10s %-6s %-21s %-11s %s%n", vm.vm(), step, st,
                    finished + "/" + vm.disks().size(), ByteSize.human(done) + "/" + ByteSize.human(total),
                    rate > 0 ? ByteSize.human((long) rate) + "/s" : "-", msg));
        }
        b.append("run: ").append(s.runOutcome().map(Enum::name).orElse("RUNNING (or interrupted: continue with"
                + " `kv-migrate plan run --resume`)")).append('\n');
        return b.toString();
    }

    static ObjectNode json(RunState s) {
        ObjectNode root = Mappers.json().createObjectNode();
        root.put("started", s.started().orElse(null));
        root.put("outcome", s.runOutcome().map(Enum::name).orElse(null));
        ArrayNode vms = root.putArray("vms");
        for (RunState.VmState vm : s.vms().values()) {
            ObjectNode v = vms.addObject();
            v.put("name", vm.vm());
            v.put("outcome", vm.outcome().map(Enum::name).orElse(null));
            vm.error().ifPresent(e -> v.put("error", e));
            ArrayNode steps = v.putArray("steps");
            vm.steps().values().forEach(st -> {
                ObjectNode o = steps.addObject().put("step", st.step()).put("state", st.state().name());
                st.message().ifPresent(msg -> o.put("message", msg));
            });
            ArrayNode disks = v.putArray("disks");
            vm.disks().values().forEach(d -> {
                ObjectNode o = disks.addObject().put("disk", d.disk()).put("state", d.state().name())
                        .put("done", d.done()).put("total", d.total()).put("wireBytes", d.wireBytes())
                        .put("bytesPerSecond", d.rate());
                d.digest().ifPresent(x -> o.put("digest", x));
                d.message().ifPresent(x -> o.put("message", x));
            });
        }
        return root;
    }
}
