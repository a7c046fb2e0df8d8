package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.model.LoadedPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan cancel}: a run polls the request between steps and chunks, aborts the transfer in flight, begins no
 * other VM, leaves a journal that {@code --resume} finishes, and removes the request.
 */
class PlanCancelTest {
    @TempDir
    Path tmp;

    /** Sends a disk in 20 chunks; at the 3rd chunk of the first disk, someone runs {@code plan cancel}. */
    static final class CancellingDisks implements DiskImporter {
        final CopyingDisks copy;
        final Path cancelFile;
        final List<String> chunks = new CopyOnWriteArrayList<>();
        boolean cancelAt3 = true;

        CancellingDisks(Path dir, Path cancelFile) {
            this.copy = new CopyingDisks(dir);
            this.cancelFile = cancelFile;
        }

        @Override
        public boolean holds(DiskWork disk, String digest) {
            return copy.holds(disk, digest);
        }

        @Override
        public DiskResult importDisk(DiskWork disk, DiskProgress progress) {
            for (int i = 1; i <= 20; i++) {
                chunks.add(disk.dataVolume() + "#" + i);
                if (cancelAt3 && i == 3) {
                    try {
                        Files.writeString(cancelFile, "cancel\n");
                        Thread.sleep(300); // longer than the poll interval
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                progress.bytes(i, 20, i, 1);
            }
            return copy.importDisk(disk, progress);
        }
    }

    @Test
    void aCancelledRunStopsCleanlyAndResumeFinishesIt() throws Exception {
        Path planFile = ExampleHost.copy(tmp);
        PlanConversion.Prepared p = ExampleHost.prepare(planFile);
        LoadedPlan lp = p.plan();
        Path out = lp.targetDir();
        CancellingDisks disks = new CancellingDisks(DirectoryTarget.disksDir(out), PlanCancel.file(lp));
        Files.writeString(PlanCancel.file(lp), "stale\n");
        PlanRunner.Outcome o;
        try (Journal j = Journal.open(lp.journal()); DirectoryTarget t = new DirectoryTarget(out, "gpu-host", disks)) {
            o = PlanRunner.run(p, t, Optional.empty(), j, new PlanRunner.Settings(false, Set.of(), Optional.of(1),
                    PlanCancel.watch(lp)), RunListener.NONE);
        }
        assertThat(o.cancelled()).isTrue();
        assertThat(o.vms()).as("one VM begun, the others not").hasSize(1).containsValue(false);
        assertThat(disks.chunks).as("the transfer stopped at the chunk after the request").hasSizeLessThan(6);
        assertThat(PlanCancel.file(lp)).as("the request is removed").doesNotExist();
        RunState s = RunState.of(Journal.read(lp.journal()));
        String vm = o.vms().keySet().iterator().next();
        RunState.VmState v = s.vm(vm).orElseThrow();
        assertThat(v.error().orElseThrow()).contains("cancelled by `plan cancel`", "--resume");
        assertThat(v.disks().values()).allMatch(d -> d.state() != StepState.SUCCEEDED);
        assertThat(s.vms()).hasSize(1);
        assertThat(s.runOutcome()).contains(StepState.FAILED);

        disks.cancelAt3 = false;
        try (Journal j = Journal.open(lp.journal()); DirectoryTarget t = new DirectoryTarget(out, "gpu-host", disks)) {
            t.ownImages(j.entries());
            o = PlanRunner.run(p, t, Optional.empty(), j, new PlanRunner.Settings(true, Set.of(), Optional.of(1),
                    PlanCancel.watch(lp)), RunListener.NONE);
        }
        assertThat(o.cancelled()).isFalse();
        assertThat(o.allSucceeded()).isTrue();
        assertThat(o.vms()).hasSize(3);
    }

    @Test
    void noRunInProgressNothingIsWritten() throws Exception {
        Path planFile = ExampleHost.copy(tmp);
        LoadedPlan lp = dev.kvmigrate.plans.model.PlanReader.read(planFile);
        assertThat(PlanCancel.request(lp)).isFalse();
        assertThat(PlanCancel.file(lp)).doesNotExist();
        try (Journal j = Journal.open(lp.journal())) {
            assertThat(PlanCancel.request(lp)).isTrue();
            assertThat(PlanCancel.file(lp)).exists();
        }
    }
}
