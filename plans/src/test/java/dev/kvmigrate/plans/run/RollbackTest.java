package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.plans.report.RunReport;
import dev.kvmigrate.plans.report.VmReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling back: a VM that fails after the run powered its source off gets its source started again (unless the
 * plan says not to, the target VM was started, or the run was interrupted); {@code --rollback} removes its target
 * objects and starts its source; the journal keeps what resume and rollback need.
 */
class RollbackTest {
    @TempDir
    Path tmp;
    Path planFile;
    PlanConversion.Prepared prepared;
    Path out;
    CopyingDisks disks;
    PlanRunnerTest.FakeEnginePower power;

    @BeforeEach
    void setUp() throws Exception {
        planFile = ExampleHost.copy(tmp);
        prepared = ExampleHost.prepare(planFile);
        out = prepared.plan().targetDir();
        disks = new CopyingDisks(DirectoryTarget.disksDir(out));
        power = new PlanRunnerTest.FakeEnginePower();
    }

    /** The example plan as an oVirt plan (the fake engine's power), {@code options} replacing runningVm. */
    private void ovirtPlan(String options) throws Exception {
        Files.writeString(planFile, Files.readString(planFile)
                .replace("source:\n  xmlDir: gpu-host", "source:\n  ovirt: {url: \"https://127.0.0.1:1/ovirt-engine/api\","
                        + " user: a@internal, passwordFile: pw.txt}")
                .replace("runningVm: {policy: refuse}", options));
        Files.writeString(tmp.resolve("pw.txt"), "pw\n");
        prepared = PlanConversion.prepare(dev.kvmigrate.plans.model.PlanReader.read(planFile), prepared.inventory());
    }

    private PlanRunner.Outcome run(boolean resume) {
        try (Journal j = Journal.open(prepared.plan().journal());
                DirectoryTarget t = new DirectoryTarget(out, "gpu-host", disks)) {
            t.ownImages(j.entries());
            return PlanRunner.run(prepared, t, Optional.of(power), j, new PlanRunner.Settings(resume, Set.of("web-03"),
                    Optional.empty()), RunListener.NONE);
        }
    }

    private RunState state() {
        return RunState.of(Journal.read(prepared.plan().journal()));
    }

    private VmReport report() {
        RunReport r = ReportBuilder.build(prepared, state(), "dir:" + out, Instant.now());
        return r.vms().stream().filter(v -> v.name().equals("web-03")).findFirst().orElseThrow();
    }

    @Test
    void decisions() {
        assertThat(SourceRestart.decide(false, true, false, false)).as("not powered off by the plan").isNull();
        assertThat(SourceRestart.decide(true, true, false, false).restart()).isTrue();
        assertThat(SourceRestart.decide(true, false, false, false).reason()).contains("restartSource is false");
        assertThat(SourceRestart.decide(true, true, true, false).reason()).contains("target VM was started",
                "--rollback");
        assertThat(SourceRestart.decide(true, true, false, true).reason()).contains("interrupted", "--resume");
    }

    @Test
    void aVmFailingAfterItsSourceWasShutDownGetsItsSourceBackAndItsDisksAreSentAgainOnResume() throws Exception {
        ovirtPlan("runningVm: {policy: shutdown, timeout: 30s}");
        disks.fail = dv -> dv.startsWith("web-03");
        assertThat(run(false).vms()).containsEntry("web-03", false);
        assertThat(power.shutdowns).containsExactly("web-03 30s", "web-03 started");
        assertThat(power.state("web-03")).isEqualTo(PowerState.RUNNING);
        RunState.VmState s = state().vm("web-03").orElseThrow();
        assertThat(s.sourceStoppedByPlan()).isFalse();
        assertThat(s.error().orElseThrow()).as("the VM's own failure stays its error").contains("injected failure");
        assertThat(s.sourceRestart().orElseThrow().state()).isEqualTo(StepState.SUCCEEDED);
        VmReport r = report();
        assertThat(r.source()).hasValueSatisfying(m -> assertThat(m).contains("source restarted"));
        assertThat(r.error().orElseThrow()).contains("injected failure");
        assertThat(r.steps()).anyMatch(st -> st.name().equals("source-restart"));

        disks.fail = dv -> false;
        assertThat(run(true).vms()).containsEntry("web-03", true);
        assertThat(power.shutdowns).as("the restarted source is shut down again").containsExactly("web-03 30s",
                "web-03 started", "web-03 30s");
        assertThat(disks.imported).as("every disk sent after the source ran again").isNotEmpty()
                .allMatch(d -> d.startsWith("web-03"));
    }

    @Test
    void restartSourceFalseLeavesItOffAndSaysWhy() throws Exception {
        ovirtPlan("runningVm: {policy: destroy}\n  rollback: {restartSource: false}");
        disks.fail = dv -> dv.startsWith("web-03");
        run(false);
        assertThat(power.shutdowns).containsExactly("web-03 powered off");
        assertThat(power.state("web-03")).isEqualTo(PowerState.SHUTOFF);
        assertThat(state().vm("web-03").orElseThrow().sourceStoppedByPlan()).isTrue();
        assertThat(report().source()).hasValueSatisfying(m -> assertThat(m).contains("left off",
                "options.rollback.restartSource is false"));
    }

    @Test
    void aFailingRestartIsReportedAndTheOriginalFailureStays() throws Exception {
        ovirtPlan("runningVm: {policy: destroy}");
        disks.fail = dv -> dv.startsWith("web-03");
        power = new PlanRunnerTest.FakeEnginePower() {
            @Override
            public void powerOn(String vmName, Duration timeout) {
                throw KvMigrateException.sourceUnreachable("engine said no", null);
            }
        };
        run(false);
        RunState.VmState s = state().vm("web-03").orElseThrow();
        assertThat(s.error().orElseThrow()).contains("injected failure");
        assertThat(s.sourceRestart().orElseThrow().state()).isEqualTo(StepState.FAILED);
        assertThat(s.sourceStoppedByPlan()).isTrue();
        assertThat(report().source()).hasValueSatisfying(m -> assertThat(m).contains("source restart failed",
                "engine said no"));
    }

    @Test
    void aVmThatWasOffBeforeIsNotStarted() throws Exception {
        ovirtPlan("runningVm: {policy: destroy}");
        power.states.put("web-03", PowerState.SHUTOFF);
        disks.fail = dv -> dv.startsWith("web-03");
        run(false);
        assertThat(power.shutdowns).isEmpty();
        assertThat(state().vm("web-03").orElseThrow().sourceRestart()).isEmpty();
        assertThat(report().source()).isEmpty();
    }

    @Test
    void theJournalFoldKeepsWhoStoppedTheSourceAcrossResumes() {
        String t = "2026-12-02T00:00:00Z";
        RunState s = RunState.of(java.util.List.of(
                new JournalEntry(1, t, Optional.of("a"), Step.VM, StepState.STARTED, Map.of("target", "a-t")),
                new JournalEntry(2, t, Optional.of("a"), "source-power", StepState.SUCCEEDED,
                        Map.of("poweredOff", "true")),
                new JournalEntry(3, t, Optional.of("a"), Step.IMPORT_DISK, StepState.SUCCEEDED,
                        Map.of("disk", "a-t-vda", "digest", "d1")),
                new JournalEntry(4, t, Optional.of("a"), "source-power", StepState.SUCCEEDED,
                        Map.of("message", "shut off"))));
        assertThat(s.vm("a").orElseThrow().sourceStoppedByPlan()).isTrue();
        assertThat(s.vm("a").orElseThrow().target()).contains("a-t");
        RunState restarted = RunState.of(java.util.List.of(s.entries().get(0), s.entries().get(1),
                s.entries().get(2), new JournalEntry(4, t, Optional.of("a"), Step.SOURCE_RESTART,
                        StepState.SUCCEEDED, Map.of())));
        assertThat(restarted.vm("a").orElseThrow().sourceStoppedByPlan()).isFalse();
        assertThat(restarted.vm("a").orElseThrow().disks().get("a-t-vda").digest()).as("stale after a restart")
                .isEmpty();
        RunState rolledBack = RunState.of(java.util.List.of(s.entries().get(0), s.entries().get(1),
                s.entries().get(2), new JournalEntry(4, t, Optional.of("a"), Step.ROLLBACK, StepState.SUCCEEDED,
                        Map.of("message", "removed"))));
        RunState.VmState v = rolledBack.vm("a").orElseThrow();
        assertThat(v.sourceStoppedByPlan()).isFalse();
        assertThat(v.disks()).isEmpty();
        assertThat(v.steps().keySet()).containsExactly(Step.ROLLBACK);
        assertThat(v.stepDone("pre-hook")).isFalse();
    }

    @Test
    void rollbackRemovesTheTargetFilesStartsTheSourceAndResumeStartsTheVmOver() throws Exception {
        ovirtPlan("runningVm: {policy: destroy}\n  rollback: {restartSource: false}");
        disks.fail = dv -> false;
        prepared = PlanConversion.prepare(prepared.plan(), prepared.inventory());
        // A run that migrated web-03 (its source powered off), then the operator gives up on it.
        assertThat(run(false).vms()).containsEntry("web-03", true);
        assertThat(out.resolve("virtualmachine-web-03.yaml")).exists();
        Files.writeString(out.resolve("unrelated.yaml"), "kind: ConfigMap\n");
        Map<String, PlanRollback.VmRollback> rb;
        try (Journal j = Journal.open(prepared.plan().journal());
                DirectoryTarget t = new DirectoryTarget(out, "gpu-host", disks)) {
            t.ownImages(j.entries());
            rb = PlanRollback.run(prepared, t, Optional.of(power), j, Set.of("web-03"), RunListener.NONE);
        }
        PlanRollback.VmRollback r = rb.get("web-03");
        assertThat(r.ok()).isTrue();
        assertThat(r.removed()).contains("VirtualMachine/web-03").anyMatch(x -> x.startsWith("disk/web-03"));
        assertThat(r.source()).contains("source restarted");
        assertThat(power.state("web-03")).isEqualTo(PowerState.RUNNING);
        assertThat(out.resolve("virtualmachine-web-03.yaml")).doesNotExist();
        assertThat(out.resolve("unrelated.yaml")).exists();
        assertThat(report().source()).hasValueSatisfying(m -> assertThat(m).contains("source restarted"));

        int before = disks.imported.size();
        assertThat(run(true).vms()).containsEntry("web-03", true);
        assertThat(disks.imported.size()).as("resume sends its disks again").isGreaterThan(before);
        assertThat(out.resolve("virtualmachine-web-03.yaml")).exists();
    }

    @Test
    void rollbackNeedsOnly() {
        try (Journal j = Journal.open(prepared.plan().journal());
                DirectoryTarget t = new DirectoryTarget(out, "gpu-host", disks)) {
            assertThatThrownBy(() -> PlanRollback.run(prepared, t, Optional.of(power), j, Set.of(),
                    RunListener.NONE)).isInstanceOf(KvMigrateException.class)
                    .satisfies(e -> assertThat(((KvMigrateException) e).exitCode()).isEqualTo(ExitCode.USAGE));
        }
    }
}
