package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.model.LoadedPlan;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example into dir: the way it runs on a machine without qemu-img: qcow2 disks read as raw in Java by the
 * importer's directory sink path; the result is checked with qemu-img here.
 */
class DirectoryJavaQcow2IT {
    @TempDir
    Path tmp;

    @Test
    void withoutQemuImgTheDisksStillLandIdentical() throws Exception {
        PlanConversion.Prepared p = ExampleHost.prepare(ExampleHost.copy(tmp));
        LoadedPlan lp = p.plan();
        try (Journal j = Journal.open(lp.journal()); DirectoryTarget t = PlanTargets.directory(lp, () -> false)) {
            PlanRunner.Outcome o = PlanRunner.run(p, t, Optional.empty(), j, new PlanRunner.Settings(false, Set.of(),
                    Optional.empty()), RunListener.NONE);
            assertThat(o.allSucceeded()).isTrue();
        }
        String[][] disks = {{"designer-ws-01.qcow2", "designer-ws-01-sda"}, {"inference-02-root.qcow2",
            "inference-02-vda"}, {"inference-02-models.img", "inference-02-vdb"}, {"web-03.qcow2", "web-03-vda"}};
        for (String[] d : disks) {
            Process c = new ProcessBuilder("qemu-img", "compare", tmp.resolve("gpu-host/disks").resolve(d[0])
                    .toString(), DirectoryTarget.disksDir(lp.targetDir()).resolve(d[1] + ".img").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(c.exitValue()).as(d[1]).isZero();
        }
        RunState s = RunState.of(Journal.read(lp.journal()));
        assertThat(s.vm("designer-ws-01").get().disks().get("designer-ws-01-sda").digest()).isPresent();
    }
}
