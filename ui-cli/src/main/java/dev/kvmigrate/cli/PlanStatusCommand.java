package dev.kvmigrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.report.ReportWriter;
import dev.kvmigrate.plans.run.ClusterRunState;
import dev.kvmigrate.plans.run.ClusterTarget;
import dev.kvmigrate.plans.run.JournalEntry;
import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.KubernetesExecutor;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.PlanRun;
import dev.kvmigrate.plans.run.PlanTargets;
import dev.kvmigrate.plans.run.ReportBuilder;
import dev.kvmigrate.plans.run.RunState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kv-migrate plan status}: per-VM progress read from the journal; works while a run goes on elsewhere. With
 * {@code --from-cluster} the entries come from the plan's target cluster ({@link ClusterRunState}: what scale-out
 * pods running {@code plan run --state-in-cluster} keep there), rendered by the same table and JSON.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a plan run's state from its journal (<plan>.journal): per VM the current step, disks,"
                + " bytes, rate and errors. Takes no lock: run it from another terminal while `plan run` works.",
        footer = {"", "Exit codes: 0 shown, 2 usage, 3 invalid plan or corrupt journal, 5 cluster unreadable"
                + " (--from-cluster)."})
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

    @Option(names = "--from-cluster", description = "Read the run's state from the plan's target cluster (its"
            + " kubeconfig, context and namespace): the ConfigMaps, one per VM, that `plan run --state-in-cluster`"
            + " (the scale-out Jobs) keeps there. --watch then redraws until every VM has an outcome, or until no VM's"
            + " record has moved for " + STALL_MINUTES + " minutes.")
    boolean fromCluster;

    @Option(names = "--report", paramLabel = "DIR", description = "Also write the run's report (report.html,"
            + " report.json, report.xml) into DIR from the state shown (the cluster's with --from-cluster); scans"
            + " the plan's source for the VMs' conversion, as `plan run` does.")
    Path reportDir;

    /** With --from-cluster --watch: how long no VM's record may stand still before the watch gives up. */
    static final int STALL_MINUTES = 5;
    private static final long POLL_MILLIS = 2000;

    @Override
    public Integer call() throws InterruptedException {
        LoadedPlan lp = state.apply(PlanReader.read(planFile));
        if (fromCluster) {
            if (lp.plan().target().isDir()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--from-cluster reads the plan's"
                        + " target cluster; plan " + lp.plan().name() + " targets " + lp.plan().target().describe());
            }
            try (ClusterTarget c = PlanTargets.cluster(lp)) {
                return fromCluster(lp, c);
            }
        }
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
                report(lp, state, lp.plan().target().describe(), Optional.empty());
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

    /**
     * The cluster's state: no lock tells whether pods still work, so --watch ends when every VM expected has an
     * outcome (the plan's names when it selects by name, else every VM the cluster has a record of), or when nothing
     * moved for {@link #STALL_MINUTES} minutes, saying so rather than claiming the run ended.
     */
    private int fromCluster(LoadedPlan lp, ClusterTarget c) throws InterruptedException {
        ClusterRunState cluster = new ClusterRunState(c.client(), c.namespace(), lp.plan().name());
        String where = c.describe();
        PrintWriter out = spec.commandLine().getOut();
        List<JournalEntry> last = null;
        Instant movedAt = Instant.now();
        while (true) {
            List<JournalEntry> entries = new ArrayList<>();
            cluster.all().values().forEach(entries::addAll);
            RunState state = RunState.of(entries);
            List<String> expected = new ArrayList<>(lp.plan().vms().names().isEmpty()
                    || !lp.plan().vms().globs().isEmpty() || lp.plan().vms().ovirtSearch().isPresent()
                    ? List.of() : lp.plan().vms().names());
            state.vms().keySet().stream().filter(vm -> !expected.contains(vm)).forEach(expected::add);
            long open = expected.stream().filter(vm -> state.vm(vm).flatMap(RunState.VmState::outcome).isEmpty())
                    .count();
            if (format == Format.json) {
                out.println(json(state).put("from", "cluster " + where).toPrettyString());
            } else {
                out.print(clusterTable(state, lp, where, expected.size(), open));
            }
            out.flush();
            if (!watch || open == 0) {
                report(lp, state, c.describe(), scaleOutShare(c, lp));
                return 0;
            }
            if (!entries.equals(last)) {
                last = entries;
                movedAt = Instant.now();
            } else if (Duration.between(movedAt, Instant.now()).toMinutes() >= STALL_MINUTES) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("kv-migrate: plan " + lp.plan().name() + ": " + open + " VM(s) without an outcome and no"
                        + " record in " + where + " moved for " + STALL_MINUTES + " minutes: their pods may be pending,"
                        + " failed or gone; look with `kubectl get jobs,pods -l " + PlanConversion.LABEL_PLAN + "="
                        + lp.plan().name() + "`");
                err.flush();
                return 0;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** {@code --report DIR}: the report of the state shown, as {@code plan run} writes it. */
    /** The bandwidth share a scale-out's pods ran under, as its plan ConfigMap states it. */
    private static Optional<String> scaleOutShare(ClusterTarget c, LoadedPlan lp) {
        var cm = c.client().configMaps().inNamespace(c.namespace()).withName(KubernetesExecutor.base(
                lp.plan().name()) + "-plan").get();
        return Optional.ofNullable(cm == null || cm.getData() == null ? null
                : cm.getData().get(KubernetesExecutor.BANDWIDTH_KEY));
    }

    private void report(LoadedPlan lp, RunState state, String target, Optional<String> bandwidth) {
        if (reportDir == null) {
            return;
        }
        PrintWriter err = spec.commandLine().getErr();
        PlanConversion.Prepared p = PlanRun.prepare(lp, problem -> err.println("kv-migrate: warning: " + problem));
        Path written = ReportWriter.write(bandwidth.isPresent() ? ReportBuilder.build(p, state, target, Instant.now(),
                bandwidth) : ReportBuilder.build(p, state, target, Instant.now()), reportDir);
        err.println("kv-migrate: report: " + written + " (also " + ReportWriter.JSON_FILE + ", "
                + ReportWriter.JUNIT_FILE + ")");
        err.flush();
    }

    static String table(RunState s, LoadedPlan lp) {
        if (s.started().isEmpty()) {
            return "plan " + lp.plan().name() + ": not run yet (no journal at " + lp.journal() + ")\n";
        }
        return rows(s) + "run: " + s.runOutcome().map(Enum::name).orElse("RUNNING (or interrupted: continue with"
                + " `kv-migrate plan run --resume`)") + '\n';
    }

    /** The same table from the cluster's records: they hold VMs only, so the last line counts VMs with an outcome. */
    static String clusterTable(RunState s, LoadedPlan lp, String where, int expected, long open) {
        if (s.vms().isEmpty()) {
            return "plan " + lp.plan().name() + ": nothing recorded in " + where + " (no ConfigMap labelled "
                    + PlanConversion.LABEL_PLAN + "=" + lp.plan().name() + " with a run's journal; runs keep one with"
                    + " --state-in-cluster)\n";
        }
        return rows(s) + "run (from " + where + "): " + (expected - open) + " of " + expected + " VM(s) ended"
                + (open > 0 ? ", " + open + " without an outcome (not begun, running or interrupted)" : "") + '\n';
    }

    /** Header and one line per VM: the one table of both sources. */
    private static String rows(RunState s) {
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
