package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A plan's {@code source.ovfConfig} picks the OVF deployment option its VMs are read with, as the scan's flag does. */
class PlanSourcesOvfConfigTest {
    private static Vm scan(Path ovf, String config) {
        String yaml = "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: p}\n"
                + "source: {ova: \"" + ovf + "\"" + (config == null ? "" : ", ovfConfig: " + config) + "}\n"
                + "target: dir:out\n";
        LoadedPlan lp = new LoadedPlan(PlanReader.parse(yaml, "p.yaml"), ovf.resolveSibling("p.yaml"));
        try (VmSource src = PlanSources.open(lp)) {
            return src.scan(VmSelector.ALL).vms().get(0);
        }
    }

    @Test
    void theDefaultConfigurationUnlessThePlanNamesAnother() {
        Path ovf = SharedDir.require("fixtures/real-2/ovf/govmomi/deployment-configs.ovf");
        Vm byDefault = scan(ovf, null);
        Vm medium = scan(ovf, "medium");
        assertThat(byDefault.cpu().vcpus()).isEqualTo(8);
        assertThat(byDefault.disks()).hasSize(3);
        assertThat(medium.cpu().vcpus()).isEqualTo(4);
        assertThat(medium.disks()).hasSize(2);
        assertThatThrownBy(() -> scan(ovf, "huge")).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("huge").hasMessageContaining("medium");
    }
}
