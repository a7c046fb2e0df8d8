package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.JournalEntry;
import dev.kvmigrate.plans.run.RunState;
import dev.kvmigrate.plans.run.StepState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: {@code plan run} in its own JVM, killed with SIGKILL at a random moment, then {@code --resume};
 * 20 rounds. Every round must end complete: every VM SUCCEEDED in the journal, exactly the plan's objects (no
 * duplicates, no leftovers), every disk byte-identical to its source, and no disk that the journal had recorded
 * as finished sent a second time.
 */
class PlanCrashResumeIT {
    static final int ROUNDS = 20;

    @TempDir
    Path tmp;

    @Test
    void killedRunsResumeToCompletion() throws Exception {
        Path template = tmp.resolve("template");
        ExampleCopy.into(template, null);
        ExampleDisks.create(template.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path full = copyOf(template, tmp.resolve("round-full"));
        timedFullRun(full);
        int total = Journal.read(full.resolve("plan.yaml.journal")).size();
        List<String> summary = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            Path dir = copyOf(template, tmp.resolve("round-" + round));
            // A random point of the run: once the journal has k entries (k from 0 to all), a few ms more.
            int k = random.nextInt(total + 1);
            long delay = random.nextInt(25);
            Process p = start(dir);
            waitForEntries(p, dir.resolve("plan.yaml.journal"), k);
            boolean finishedFirst = p.waitFor(delay, TimeUnit.MILLISECONDS);
            if (!finishedFirst) {
                p.destroyForcibly();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            List<JournalEntry> before = Journal.read(dir.resolve("plan.yaml.journal"));
            CliRun resume = CliRun.run("plan", "run", dir.resolve("plan.yaml").toString(), "--resume");
            String what = "round " + round + " (seed " + seed + ", killed " + delay + " ms after entry " + k + ", "
                    + before.size() + " journal entries" + (finishedFirst ? ", the run had ended" : "") + ")";
            assertThat(resume.code()).as(what + "\n" + resume.err()).isZero();
            check(dir, before, what);
            summary.add(k + "+" + delay + "ms:" + before.size());
        }
        System.err.println("crash rounds (target entry+delay:entries at kill): " + summary);
    }

    private void check(Path dir, List<JournalEntry> before, String what) throws Exception {
        List<JournalEntry> all = Journal.read(dir.resolve("plan.yaml.journal"));
        RunState state = RunState.of(all);
        assertThat(state.runOutcome()).as(what).contains(StepState.SUCCEEDED);
        assertThat(state.vms()).as(what).hasSize(3);
        state.vms().values().forEach(v -> assertThat(v.outcome()).as(what + " " + v.vm())
                .contains(StepState.SUCCEEDED));
        Path out = dir.resolve("out/gpu-host");
        try (var files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> !Files.isDirectory(out.resolve(n))))
                    .as(what).containsExactlyInAnyOrder("virtualmachine-designer-ws-01.yaml",
                            "virtualmachine-inference-02.yaml", "virtualmachine-web-03.yaml",
                            "datavolume-designer-ws-01-sda.yaml", "datavolume-inference-02-vda.yaml",
                            "datavolume-inference-02-vdb.yaml", "datavolume-web-03-vda.yaml");
        }
        try (var files = Files.list(out.resolve("disks"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as(what).containsExactlyInAnyOrder(
                    "designer-ws-01-sda.img", "inference-02-vda.img", "inference-02-vdb.img", "web-03-vda.img");
        }
        for (String[] d : ExampleCopy.DISKS) {
            assertThat(PlanRunDirIT.compare(dir.resolve("gpu-host/disks").resolve(d[0]),
                    out.resolve("disks").resolve(d[1] + ".img"))).as(what + " " + d[1]).isZero();
        }
        // A disk finished before the kill is never sent again; every disk finished exactly once overall.
        Map<String, Integer> finished = new TreeMap<>();
        for (JournalEntry e : all) {
            if (e.step().equals("import-disk") && e.state() == StepState.SUCCEEDED) {
                finished.merge(e.detail("disk").orElseThrow(), 1, Integer::sum);
            }
        }
        assertThat(finished).as(what).hasSize(4).allSatisfy((disk, n) -> assertThat(n).as(what + " " + disk)
                .isEqualTo(1));
        long doneBefore = before.stream().filter(e -> e.step().equals("import-disk")
                && e.state() == StepState.SUCCEEDED).count();
        long sentAfter = all.subList(before.size(), all.size()).stream().filter(e -> e.step().equals("import-disk")
                && e.state() == StepState.STARTED).count();
        assertThat(sentAfter).as(what).isLessThanOrEqualTo(4 - doneBefore);
    }

    private static void waitForEntries(Process p, Path journal, int k) throws Exception {
        while (p.isAlive()) {
            if (k == 0 || (Files.exists(journal) && lines(journal) >= k)) {
                return;
            }
            Thread.sleep(2);
        }
    }

    private static long lines(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        long n = 0;
        for (byte x : b) {
            n += x == '\n' ? 1 : 0;
        }
        return n;
    }

    private static long timedFullRun(Path dir) throws Exception {
        long t0 = System.nanoTime();
        Process p = start(dir);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static Process start(Path dir) throws IOException {
        // quick-start JIT and GC, as the pod runner's child JVMs: most of a round is this JVM starting
        return new ProcessBuilder("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dev.kvmigrate.cli.KvMigrate",
                "plan", "run", dir.resolve("plan.yaml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
    }

    private static Path copyOf(Path template, Path dir) throws IOException {
        try (var walk = Files.walk(template)) {
            for (Path p : walk.toList()) {
                Path dst = dir.resolve(template.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
        return dir;
    }
}
