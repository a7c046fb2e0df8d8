package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan run replaces only images of its own (its journal says it imported them), never a foreign file. */
class DirectoryTargetOwnershipTest {
    @TempDir
    Path tmp;

    @Test
    void foreignImageIsRefusedAndKeptOwnImageIsReplaced() throws Exception {
        PlanConversion.Prepared prepared = ExampleHost.prepare(ExampleHost.copy(tmp));
        Path out = prepared.plan().targetDir();
        CopyingDisks disks = new CopyingDisks(DirectoryTarget.disksDir(out));
        DiskWork d = prepared.vm("web-03").orElseThrow().disks().get(0);
        Path img = Files.createDirectories(DirectoryTarget.disksDir(out)).resolve(d.dataVolume() + ".img");
        Files.writeString(img, "not this plan's");
        try (DirectoryTarget t = new DirectoryTarget(out, "gpu-host", disks)) {
            assertThatThrownBy(() -> t.disks().importDisk(d, DiskImporter.DiskProgress.NONE))
                    .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.TARGET_ERROR);
                        assertThat(e.getMessage()).contains(img.toString(), "did not write it", "move it away");
                    });
            assertThat(Files.readString(img)).isEqualTo("not this plan's");
            assertThat(disks.imported).isEmpty();

            t.ownImages(List.of(new JournalEntry(1, "t", Optional.of("web-03"), Step.IMPORT_DISK, StepState.STARTED,
                    Map.of("disk", d.dataVolume()))));
            t.disks().importDisk(d, DiskImporter.DiskProgress.NONE);
            assertThat(disks.imported).containsExactly(d.dataVolume());
            assertThat(Files.readString(img, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .isNotEqualTo("not this plan's");
        }
    }

    @Test
    void aWholeRunWithAForeignImageFailsThatVmAndLeavesTheFile() throws Exception {
        PlanConversion.Prepared prepared = ExampleHost.prepare(ExampleHost.copy(tmp));
        Path out = prepared.plan().targetDir();
        DiskWork d = prepared.vm("web-03").orElseThrow().disks().get(0);
        Path img = Files.createDirectories(DirectoryTarget.disksDir(out)).resolve(d.dataVolume() + ".img");
        Files.writeString(img, "not this plan's");
        PlanRunner.Outcome o;
        try (Journal j = Journal.open(prepared.plan().journal());
                DirectoryTarget t = new DirectoryTarget(out, "gpu-host", new CopyingDisks(DirectoryTarget.disksDir(out)))) {
            t.ownImages(j.entries());
            o = PlanRunner.run(prepared, t, Optional.empty(), j, new PlanRunner.Settings(false, Set.of(),
                    Optional.empty()), RunListener.NONE);
        }
        assertThat(o.vms()).containsEntry("web-03", false).containsEntry("inference-02", true);
        assertThat(Files.readString(img)).isEqualTo("not this plan's");
    }
}
