package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.plans.model.PlanReader;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run opens for its disks (the oVirt session) ends with the run: closing the target closes it, once. */
class RunResourcesCloseTest {
    @TempDir
    Path tmp;

    @Test
    void closingADirectoryTargetClosesWhatItsImporterHolds() {
        AtomicInteger closed = new AtomicInteger();
        ImporterDisks importer = new ImporterDisks(d -> null, d -> null, d -> false, TransferSettings.defaults())
                .closing(closed::incrementAndGet);
        try (DirectoryTarget t = new DirectoryTarget(tmp, "p", importer)) {
            assertThat(closed).hasValue(0);
        }
        assertThat(closed).hasValue(1);
    }

    @Test
    void theEngineSessionIsNotOpenedWithoutOvirtDisksAndRefusesUseAfterTheRunIsOver() {
        var lp = PlanReader.parse("apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: p}\n"
                + "source: {ovirt: {url: \"https://engine.example.com/ovirt-engine/api\", user: admin@internal,"
                + " passwordEnv: KV_MIGRATE_TEST_UNSET}}\ntarget: dir:out\n", "p.yaml");
        OvirtEngines engines = new OvirtEngines(new dev.kvmigrate.plans.model.LoadedPlan(lp, tmp.resolve("p.yaml")));
        engines.close();
        assertThat(engines.opened()).isFalse();
        assertThatThrownBy(() -> engines.apply(URI.create("https://engine.example.com/ovirt-engine/api")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
