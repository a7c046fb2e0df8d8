package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source-power step against libvirt's test driver (a real libvirt, no daemon): a running VM is refused under
 * {@code policy: refuse} and shut down gracefully under {@code policy: shutdown}.
 */
class SourcePowerIT {
    @TempDir
    Path tmp;

    private RunState run(String policy) throws Exception {
        Path host = SharedDir.require("fixtures/libvirt/gpu-host.xml").toAbsolutePath();
        Path plan = tmp.resolve(policy + ".yaml");
        Files.writeString(plan, "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: p}\n"
                + "source: {libvirt: \"test://" + host + "\"}\ntarget: dir:out-" + policy + "\n"
                + "vms: {names: [render-02, train-03]}\n"
                + "mappings: {storage: {disks: {render-02/vdb: {size: 1Gi, blank: true}}}}\n"
                + "options: {runningVm: {policy: " + policy + ", timeout: 20s}}\n");
        LoadedPlan lp = PlanReader.read(plan);
        PlanConversion.Prepared p = ExampleHost.prepare(plan);
        DiskImporter noBytes = new DiskImporter() {
            @Override
            public boolean holds(DiskWork disk, String digest) {
                return false;
            }

            @Override
            public DiskResult importDisk(DiskWork disk, DiskProgress progress) {
                return new DiskResult("none:" + disk.dataVolume(), 0, 0, 0);
            }
        };
        try (PowerControl power = PlanSources.power(lp).orElseThrow();
                Journal j = Journal.open(lp.journal());
                DirectoryTarget t = new DirectoryTarget(lp.targetDir(), "p", noBytes)) {
            assertThat(power.state("train-03")).isEqualTo(PowerState.RUNNING);
            assertThat(power.state("render-02")).isEqualTo(PowerState.SHUTOFF);
            PlanRunner.run(p, t, Optional.of(power), j, new PlanRunner.Settings(false, Set.of(), Optional.empty()),
                    RunListener.NONE);
            if (policy.equals("shutdown")) {
                assertThat(power.state("train-03")).isEqualTo(PowerState.SHUTOFF);
            } else {
                assertThat(power.state("train-03")).isEqualTo(PowerState.RUNNING);
            }
        }
        return RunState.of(Journal.read(lp.journal()));
    }

    @Test
    void refuseLeavesARunningVmAloneAndFailsIt() throws Exception {
        RunState s = run("refuse");
        RunState.StepStatus train = s.vm("train-03").orElseThrow().steps().get("source-power");
        assertThat(train.state()).isEqualTo(StepState.FAILED);
        assertThat(train.message().orElseThrow()).contains("train-03 is RUNNING", "policy: shutdown", "--resume");
        assertThat(s.vm("render-02").orElseThrow().steps().get("source-power")).as(s.vm("render-02").toString())
                .isNotNull().extracting(RunState.StepStatus::state).isEqualTo(StepState.SUCCEEDED);
    }

    @Test
    void shutdownStopsTheVmGracefully() throws Exception {
        RunState s = run("shutdown");
        RunState.StepStatus train = s.vm("train-03").orElseThrow().steps().get("source-power");
        assertThat(train.state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(train.message().orElseThrow()).contains("was RUNNING, shut down gracefully");
    }
}
