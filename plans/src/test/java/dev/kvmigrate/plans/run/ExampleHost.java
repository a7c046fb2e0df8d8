package dev.kvmigrate.plans.run;

import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.plans.example.ExampleFiles;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import java.io.IOException;
import java.nio.file.Path;

/** A copy of the bundled gpu-host example in a temp dir, its disks made in Java, and a plan beside it. */
final class ExampleHost {
    private ExampleHost() {}

    static Path copy(Path tmp) throws IOException {
        Path plan = ExampleFiles.copy(tmp, null);
        ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
        return plan;
    }

    static PlanConversion.Prepared prepare(Path planFile) {
        LoadedPlan lp = PlanReader.read(planFile);
        Inventory inv;
        try (VmSource s = PlanSources.open(lp)) {
            inv = s.scan(lp.plan().vms().selector());
        }
        return PlanConversion.prepare(lp, inv);
    }
}
