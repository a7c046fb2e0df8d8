package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.plans.report.Outcome;
import dev.kvmigrate.plans.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanRunnerTest {
    @TempDir
    Path tmp;
    Path planFile;
    PlanConversion.Prepared prepared;
    Path out;
    CopyingDisks disks;

    @BeforeEach
    void setUp() throws Exception {
        planFile = ExampleHost.copy(tmp);
        prepared = ExampleHost.prepare(planFile);
        out = prepared.plan().targetDir();
        disks = new CopyingDisks(DirectoryTarget.disksDir(out));
    }

    private PlanRunner.Outcome run(boolean resume, Set<String> only) {
        return run(resume, only, Optional.empty());
    }

    private PlanRunner.Outcome run(boolean resume, Set<String> only, Optional<PowerControl> power) {
        try (Journal j = Journal.open(prepared.plan().journal());
                DirectoryTarget t = new DirectoryTarget(out, "gpu-host", disks)) {
            return PlanRunner.run(prepared, t, power, j, new PlanRunner.Settings(resume, only,
                    Optional.empty()), RunListener.NONE);
        }
    }

    @Test
    void withGpuTargetDraThePassthroughGpuIsClaimedAndItsTemplateIsCreatedBeforeTheVm() throws Exception {
        String text = java.nio.file.Files.readString(planFile).replace("mappings:\n", "mappings:\n  gpuTarget: dra\n");
        java.nio.file.Files.writeString(planFile, text);
        prepared = ExampleHost.prepare(planFile);
        PlanRunner.Outcome o = run(false, Set.of("inference-02"));
        assertThat(o.allSucceeded()).isTrue();
        YAMLMapper yaml = new YAMLMapper();
        JsonNode claim = yaml.readTree(out.resolve("resourceclaimtemplate-inference-02.yaml").toFile());
        assertThat(claim.at("/spec/spec/devices/requests/0/exactly/deviceClassName").asText())
                .isEqualTo("vfio.gpu.nvidia.com");
        JsonNode vm = yaml.readTree(out.resolve("virtualmachine-inference-02.yaml").toFile());
        assertThat(vm.at("/spec/template/spec/resourceClaims/0/resourceClaimTemplateName").asText())
                .isEqualTo("inference-02");
        assertThat(vm.at("/spec/template/spec/domain/devices/gpus/0/claimName").asText()).isEqualTo("gpus");
        RunState state = RunState.of(Journal.read(prepared.plan().journal()));
        assertThat(state.vms().get("inference-02").steps().get("create-vm").message().orElse(""))
                .contains("ResourceClaimTemplate/inference-02, VirtualMachine/inference-02");
    }

    @Test
    void everyVmLandsWithLabelsGpusAndDisks() throws Exception {
        PlanRunner.Outcome o = run(false, Set.of());
        assertThat(o.allSucceeded()).isTrue();
        assertThat(o.vms()).containsOnlyKeys("designer-ws-01", "inference-02", "web-03");
        YAMLMapper yaml = new YAMLMapper();
        JsonNode vm = yaml.readTree(out.resolve("virtualmachine-designer-ws-01.yaml").toFile());
        assertThat(vm.at("/metadata/labels/kv-migrate.dev~1plan").asText()).isEqualTo("gpu-host");
        assertThat(vm.at("/metadata/labels/kv-migrate.dev~1vm").asText()).isEqualTo("designer-ws-01");
        assertThat(vm.at("/spec/template/spec/domain/devices/gpus/0/deviceName").asText())
                .isEqualTo("nvidia.com/GRID_T4-2Q");
        JsonNode inf = yaml.readTree(out.resolve("virtualmachine-inference-02.yaml").toFile());
        assertThat(inf.at("/spec/template/spec/domain/devices/gpus/0/deviceName").asText())
                .isEqualTo("nvidia.com/GA107GL_A2___A16");
        assertThat(disks.imported).hasSize(4);
        RunState state = RunState.of(Journal.read(prepared.plan().journal()));
        assertThat(state.runOutcome()).contains(StepState.SUCCEEDED);
        state.vms().values().forEach(v -> {
            assertThat(v.outcome()).contains(StepState.SUCCEEDED);
            assertThat(v.steps().keySet()).containsExactly("validate", "pre-hook", "source-power",
                    "create-datavolumes", "import-disks", "create-vm", "start", "post-hook");
        });
        RunReport r = ReportBuilder.build(prepared, state, "dir:" + out, Instant.now());
        assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(r.vms()).allMatch(v -> v.disks().stream().allMatch(d -> d.digest().isPresent()));
    }

    @Test
    void aSecondRunNeedsResumeAndResumeRedoesNothingDone() {
        run(false, Set.of());
        assertThatThrownBy(() -> run(false, Set.of())).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("--resume")
                .matches(e -> ((KvMigrateException) e).exitCode() == ExitCode.USAGE);
        disks.imported.clear();
        assertThat(run(true, Set.of()).allSucceeded()).isTrue();
        assertThat(disks.imported).isEmpty();
    }

    @Test
    void resumeAfterAFailureSendsOnlyTheMissingDisk() throws Exception {
        disks.fail = dv -> dv.startsWith("inference-02") && dv.endsWith("vdb");
        PlanRunner.Outcome first = run(false, Set.of());
        assertThat(first.vms()).containsEntry("inference-02", false).containsEntry("web-03", true);
        RunState failed = RunState.of(Journal.read(prepared.plan().journal()));
        assertThat(failed.vm("inference-02").get().error().get()).contains("injected failure");
        assertThat(failed.vm("inference-02").get().steps().get("import-disks").state()).isEqualTo(StepState.FAILED);
        disks.fail = dv -> false;
        disks.imported.clear();
        assertThat(run(true, Set.of()).allSucceeded()).isTrue();
        assertThat(disks.imported).singleElement().satisfies(dv -> assertThat(dv).endsWith("vdb"));
        // A disk the target lost is sent again even though the journal says it was done.
        Path lost = DirectoryTarget.disksDir(out).resolve("web-03-vda.img");
        Files.delete(lost);
        disks.imported.clear();
        assertThat(run(true, Set.of()).allSucceeded()).isTrue();
        assertThat(disks.imported).containsExactly("web-03-vda");
        assertThat(lost).exists();
    }

    @Test
    void onlyRunsTheNamedVms() {
        PlanRunner.Outcome o = run(false, Set.of("web-03"));
        assertThat(o.vms()).containsOnlyKeys("web-03");
        assertThatThrownBy(() -> run(true, Set.of("nope"))).hasMessageContaining("--only nope");
    }

    @Test
    void wavesKeepEachWaveWithinCapacity() {
        List<List<String>> w = Waves.plan(List.of(
                new Waves.Needs("a", java.util.Map.of("nvidia.com/T4", 1)),
                new Waves.Needs("b", java.util.Map.of("nvidia.com/T4", 1)),
                new Waves.Needs("c", java.util.Map.of()),
                new Waves.Needs("d", java.util.Map.of("nvidia.com/T4", 2)),
                new Waves.Needs("e", java.util.Map.of("nvidia.com/A2", 1))),
                java.util.Map.of("nvidia.com/T4", 2L, "nvidia.com/A2", 1L));
        assertThat(w).containsExactly(List.of("a", "b", "c", "e"), List.of("d"));
        assertThat(Waves.plan(List.of(new Waves.Needs("x", java.util.Map.of("r", 1)),
                new Waves.Needs("y", java.util.Map.of("r", 1))), java.util.Map.of("r", 1L)))
                .containsExactly(List.of("x"), List.of("y"));
    }

    @Test
    void hooksRunOncePerVmWithTheirEnvironmentAndAFailingHookFailsItsVm() throws Exception {
        Files.writeString(planFile, Files.readString(planFile) + "hooks:\n"
                + "  pre: {command: [sh, -c, 'echo \"$KV_MIGRATE_HOOK $KV_MIGRATE_VM $KV_MIGRATE_TARGET_NAME\" >> hooks.txt']}\n"
                + "overrides:\n  web-03: {hooks: {post: {command: [sh, -c, 'exit 3']}}}\n");
        prepared = ExampleHost.prepare(planFile);
        PlanRunner.Outcome o = run(false, Set.of());
        assertThat(o.vms()).containsEntry("web-03", false).containsEntry("designer-ws-01", true);
        assertThat(Files.readAllLines(tmp.resolve("hooks.txt"))).containsExactlyInAnyOrder(
                "pre designer-ws-01 designer-ws-01", "pre inference-02 inference-02", "pre web-03 web-03");
        RunState s = RunState.of(Journal.read(prepared.plan().journal()));
        assertThat(s.vm("web-03").get().steps().get("post-hook").message().get()).contains("exited 3",
                "web-03-post.log");
        run(true, Set.of());
        assertThat(Files.readAllLines(tmp.resolve("hooks.txt"))).as("finished pre hooks do not run again")
                .hasSize(3);
    }

    @Test
    void theReportHasThroughputAndOneJunitCasePerVm() {
        run(false, Set.of());
        RunReport r = ReportBuilder.build(prepared, RunState.of(Journal.read(prepared.plan().journal())), "dir:x",
                Instant.now());
        assertThat(r.throughput()).isNotEmpty();
        assertThat(r.wireBytes()).isPositive();
        String junit = dev.kvmigrate.plans.report.ReportWriter.junit(r);
        assertThat(junit).contains("tests=\"3\" failures=\"0\"").containsPattern("name=\"web-03\" time=\"[0-9.]+\"");
        assertThat(PlanTargets.transfer(prepared.plan().plan()).limiter().isLimited()).isFalse();
        var capped = dev.kvmigrate.plans.model.PlanReader.parse("apiVersion: kv-migrate.dev/v1alpha1\n"
                + "kind: MigrationPlan\nmetadata: {name: c}\nsource: {xmlDir: d}\ntarget: dir:o\n"
                + "options: {bandwidth: 100M, compression: gzip}\n", "capped");
        assertThat(PlanTargets.transfer(capped).limiter().isLimited()).isTrue();
        assertThat(PlanTargets.transfer(capped).compress()).isEqualTo(dev.kvmigrate.importer.transfer.Compress.GZIP);
    }

    /** An engine's power control in memory: web-03 runs until it is shut down. */
    static class FakeEnginePower implements PowerControl {
        final Map<String, PowerState> states = new ConcurrentHashMap<>(Map.of("web-03", PowerState.RUNNING));
        final List<String> shutdowns = new CopyOnWriteArrayList<>();

        @Override
        public PowerState state(String vmName) {
            return states.getOrDefault(vmName, PowerState.SHUTOFF);
        }

        @Override
        public void shutdown(String vmName, Duration timeout) {
            shutdowns.add(vmName + " " + timeout.toSeconds() + "s");
            states.put(vmName, PowerState.SHUTOFF);
        }

        @Override
        public void powerOff(String vmName, Duration timeout) {
            shutdowns.add(vmName + " powered off");
            states.put(vmName, PowerState.SHUTOFF);
        }

        @Override
        public void powerOn(String vmName, Duration timeout) {
            shutdowns.add(vmName + " started");
            states.put(vmName, PowerState.RUNNING);
        }

        @Override
        public void close() {}
    }

    private dev.kvmigrate.plans.model.LoadedPlan ovirtPlan(String runningVm) throws Exception {
        Files.writeString(planFile, Files.readString(planFile)
                .replace("source:\n  xmlDir: gpu-host", "source:\n  ovirt: {url: \"https://127.0.0.1:1/ovirt-engine/api\","
                        + " user: a@internal, passwordFile: pw.txt}")
                .replace("runningVm: {policy: refuse}", runningVm));
        Files.writeString(tmp.resolve("pw.txt"), "pw\n");
        var lp = dev.kvmigrate.plans.model.PlanReader.read(planFile);
        prepared = PlanConversion.prepare(lp, prepared.inventory());
        return lp;
    }

    @Test
    void aRunningOvirtVmIsRefusedUnderPolicyRefuseAndStoppedOnesGoAhead() throws Exception {
        var lp = ovirtPlan("runningVm: {policy: refuse}");
        FakeEnginePower power = new FakeEnginePower();
        PlanRunner.Outcome o = run(false, Set.of(), Optional.of(power));
        assertThat(o.vms()).containsEntry("web-03", false).containsEntry("inference-02", true);
        assertThat(power.shutdowns).isEmpty();
        RunState s = RunState.of(Journal.read(lp.journal()));
        assertThat(s.vm("web-03").get().steps().get("source-power").message().get())
                .contains("web-03 is RUNNING", "policy: shutdown", "--resume");
        assertThat(s.vm("inference-02").get().steps().get("source-power").message()).contains("shut off");
    }

    @Test
    void aRunningOvirtVmIsShutDownUnderPolicyShutdown() throws Exception {
        var lp = ovirtPlan("runningVm: {policy: shutdown, timeout: 90s}");
        FakeEnginePower power = new FakeEnginePower();
        PlanRunner.Outcome o = run(false, Set.of(), Optional.of(power));
        assertThat(o.allSucceeded()).isTrue();
        assertThat(power.shutdowns).containsExactly("web-03 90s");
        RunState s = RunState.of(Journal.read(lp.journal()));
        assertThat(s.vm("web-03").get().steps().get("source-power").message()).contains("was RUNNING, shut down"
                + " gracefully");
    }

    @Test
    void aRunningOvirtVmIsPoweredOffUnderPolicyDestroy() throws Exception {
        var lp = ovirtPlan("runningVm: {policy: destroy}");
        FakeEnginePower power = new FakeEnginePower();
        PlanRunner.Outcome o = run(false, Set.of(), Optional.of(power));
        assertThat(o.allSucceeded()).isTrue();
        assertThat(power.shutdowns).containsExactly("web-03 powered off");
        RunState s = RunState.of(Journal.read(lp.journal()));
        assertThat(s.vm("web-03").get().steps().get("source-power").message()).contains("was RUNNING, powered off"
                + " without asking the guest (policy: destroy)");
    }

    @Test
    void anOvirtPlanOpensTheEnginesPowerControl() throws Exception {
        var lp = ovirtPlan("runningVm: {policy: shutdown}");
        assertThatThrownBy(() -> PlanSources.power(lp))
                .isInstanceOf(KvMigrateException.class)
                .satisfies(e -> assertThat(((KvMigrateException) e).exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE))
                .hasMessageContaining("127.0.0.1:1");
    }

    @Test
    void aLiveSourceWithoutPowerControlCopiesNothing() throws Exception {
        ovirtPlan("runningVm: {policy: shutdown}");
        PlanRunner.Outcome o = run(false, Set.of());
        assertThat(o.vms()).containsEntry("web-03", false).containsEntry("inference-02", false);
        assertThat(disks.imported).isEmpty();
    }
}
