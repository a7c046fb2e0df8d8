package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.JournalEntry;
import dev.kvmigrate.plans.run.RunState;
import dev.kvmigrate.plans.run.StepState;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run holds a plan: while {@code plan run} works in a child JVM, its lock is visible from another process
 * (here) for the whole run, and a second run or resume, from another JVM or this one, is refused with exit 2
 * naming the holder's pid; the first run ends untouched with a journal written by it alone.
 */
class PlanRunLockIT {
    @TempDir
    Path tmp;

    @Test
    void secondRunIsRefusedWhileTheFirstHoldsThePlan() throws Exception {
        Path gate = tmp.resolve("gate");
        Path plan = gatedPlan(tmp.resolve("p"), gate);
        Path journal = plan.resolveSibling("plan.yaml.journal");
        Process first = start(plan, tmp.resolve("first.log"));
        try {
            waitForEntries(first, journal, 2);
            assertThat(first.isAlive()).as("the run must still go on; log:\n%s", log(tmp.resolve("first.log")))
                    .isTrue();
            int checks = 0;
            while (first.isAlive() && checks < 1) {
                assertThat(heldElsewhere(Journal.lockFile(journal))).as("lock held during the run").isTrue();
                assertThat(procLocksHas(first.pid(), Journal.lockFile(journal))).as("/proc/locks").isTrue();
                CliRun inJvm = CliRun.run("plan", "run", plan.toString(), "--resume");
                Process second = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"),
                        "dev.kvmigrate.cli.KvMigrate", "plan", "run", plan.toString(), "--resume")
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("second.log").toFile()).start();
                assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
                // Only what happened while the first run certainly went on counts.
                assertThat(first.isAlive()).as("the run waits for the gate").isTrue();
                assertThat(inJvm.code()).as(inJvm.err()).isEqualTo(2);
                assertThat(inJvm.err()).contains("in use by another", "pid " + first.pid());
                assertThat(second.exitValue()).as(log(tmp.resolve("second.log"))).isEqualTo(2);
                assertThat(log(tmp.resolve("second.log"))).contains("pid " + first.pid());
                checks++;
            }
            assertThat(checks).as("checked while the first run went on").isPositive();
            Files.createFile(gate);
            assertThat(first.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).as(log(tmp.resolve("first.log"))).isZero();
        } finally {
            first.destroyForcibly();
        }
        List<JournalEntry> all = Journal.read(journal);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).seq()).as("one writer: entries numbered in order").isEqualTo(i + 1);
        }
        RunState state = RunState.of(all);
        assertThat(state.runOutcome()).contains(StepState.SUCCEEDED);
        assertThat(all.stream().filter(e -> e.step().equals("run") && e.state() == StepState.STARTED)).hasSize(1);
        assertThat(heldElsewhere(Journal.lockFile(journal))).as("released at exit").isFalse();
    }

    @Test
    void secondRunInTheSameJvmIsRefusedAndTheLockStays() throws Exception {
        Path plan = ExampleCopy.into(tmp.resolve("q"), null);
        Path journal = plan.resolveSibling("plan.yaml.journal");
        try (Journal held = Journal.open(journal)) {
            CliRun r = CliRun.run("plan", "run", plan.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("in use by another", "pid " + ProcessHandle.current().pid(),
                    "this process");
            assertThat(heldElsewhere(Journal.lockFile(journal))).isTrue();
        }
        assertThat(heldElsewhere(Journal.lockFile(journal))).isFalse();
    }

    /** The example plan, whose VMs' pre-hooks wait until {@code gate} exists: the run goes on until it is opened. */
    static Path gatedPlan(Path dir, Path gate) throws IOException {
        Path plan = ExampleCopy.into(dir, null);
        String text = Files.readString(plan);
        Files.writeString(plan, text + "\nhooks:\n  pre: {command: [sh, -c, \"while [ ! -e '" + gate
                + "' ]; do sleep 0.1; done\"], timeout: 2m}\n");
        ExampleDisks.create(dir.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
        return plan;
    }

    /** Whether another process holds a lock on the file: a probe from a different JVM (this one). */
    static boolean heldElsewhere(Path lockFile) throws IOException {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true;
        }
    }

    static boolean procLocksHas(long pid, Path file) throws IOException {
        Path locks = Path.of("/proc/locks");
        if (!Files.isReadable(locks)) {
            return true;
        }
        String ino = ":" + Files.getAttribute(file, "unix:ino");
        for (String line : Files.readAllLines(locks)) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 6 && !w[1].equals("->") && w[4].equals(Long.toString(pid)) && w[5].endsWith(ino)) {
                return true;
            }
        }
        return false;
    }

    private static void waitForEntries(Process p, Path journal, int k) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(journal) && Journal.read(journal).size() >= k) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static Process start(Path plan, Path log) throws IOException {
        return new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"), "dev.kvmigrate.cli.KvMigrate",
                "plan", "run", plan.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String log(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f) : "";
    }
}
