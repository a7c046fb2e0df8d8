package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan's lock is one OS lock held for the holder's whole life: reading the journal, a refused second open in
 * the same JVM and {@link Journal#isHeld} probes must not drop it (POSIX locks vanish on any close of the locked
 * file by the holding process). Checked in {@code /proc/locks}, where the kernel lists the locks it holds.
 */
class JournalLockTest {
    @TempDir
    Path dir;

    @Test
    void lockSurvivesReadsProbesAndARefusedSecondOpenInTheSameJvm() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/locks")), "skipped: no /proc/locks (not Linux)");
        Path p = dir.resolve("plan.yaml.journal");
        long pid = ProcessHandle.current().pid();
        try (Journal j = Journal.open(p)) {
            j.append(Optional.empty(), Step.RUN, StepState.STARTED, Map.of());
            assertThat(lockedByUs(p)).as("lock held after open").isTrue();

            assertThat(Journal.read(p)).hasSize(1);
            assertThat(j.entries()).hasSize(1);
            assertThat(Journal.isHeld(p)).isTrue();
            assertThatThrownBy(() -> Journal.open(p)).isInstanceOf(KvMigrateException.class)
                    .hasMessageContaining("in use by another").hasMessageContaining("pid " + pid)
                    .extracting(e -> ((KvMigrateException) e).exitCode()).isEqualTo(ExitCode.USAGE);
            assertThatThrownBy(() -> Journal.open(dir.resolve(".").resolve("plan.yaml.journal")))
                    .isInstanceOf(KvMigrateException.class).hasMessageContaining("in use by another");

            assertThat(lockedByUs(p)).as("lock still held after reads, a probe and refused opens").isTrue();
            assertThat(Files.readString(Journal.lockFile(p)).strip()).isEqualTo(Long.toString(pid));
            j.append(Optional.empty(), Step.RUN, StepState.SUCCEEDED, Map.of());
        }
        assertThat(lockedByUs(p)).as("released on close").isFalse();
        assertThat(Journal.isHeld(p)).isFalse();
        try (Journal again = Journal.open(p)) {
            assertThat(again.entries()).hasSize(2);
        }
    }

    /** Whether {@code /proc/locks} lists a lock of this process on the journal or its lock file. */
    static boolean lockedByUs(Path journal) throws IOException {
        long pid = ProcessHandle.current().pid();
        List<String> locks = Files.readAllLines(Path.of("/proc/locks"));
        for (Path f : List.of(journal, Journal.lockFile(journal))) {
            if (!Files.exists(f)) {
                continue;
            }
            String ino = ":" + Files.getAttribute(f, "unix:ino");
            for (String line : locks) {
                String[] w = line.trim().split("\\s+");
                // "1: POSIX  ADVISORY  WRITE 1234 fe:00:2155718 0 EOF"; blocked waiters have a "->" column.
                if (w.length >= 6 && !w[1].equals("->") && w[4].equals(Long.toString(pid)) && w[5].endsWith(ino)) {
                    return true;
                }
            }
        }
        return false;
    }
}
