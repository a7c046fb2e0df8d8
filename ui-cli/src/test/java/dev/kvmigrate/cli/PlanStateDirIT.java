package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --state-dir}: a plan run the way a scale-out Job's pod runs it (the plan on a read-only ConfigMap mount,
 * the state on a writable volume: {@code plan run PLAN --only VM --resume --state-dir DIR}) writes nothing next to
 * the plan; {@code plan status} and a second run find the state there.
 */
class PlanStateDirIT {
    @TempDir
    Path tmp;

    @Test
    void theRunsStateGoesToTheStateDirectoryNotNextToThePlan() throws Exception {
        Path plan = ExampleCopy.into(tmp, null);
        assertThat(CliRun.run("plan", "example-disks", tmp.resolve("gpu-host").toString()).code()).isZero();
        Path state = tmp.resolve("work");
        try (Stream<Path> before = Files.list(tmp)) {
            assertThat(before.map(p -> p.getFileName().toString())).doesNotContain("work");
        }

        CliRun run = CliRun.run("plan", "run", plan.toString(), "--only", "web-03", "--resume", "--state-dir",
                state.toString());
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(state.resolve("plan.yaml.journal")).exists();
        assertThat(tmp.resolve("plan.yaml.journal")).doesNotExist();
        try (Stream<Path> beside = Files.list(tmp)) {
            assertThat(beside.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("plan.yaml."));
        }
        RunState s = RunState.of(Journal.read(state.resolve("plan.yaml.journal")));
        assertThat(s.vm("web-03")).isPresent();

        CliRun status = CliRun.run("plan", "status", plan.toString(), "--state-dir", state.toString());
        assertThat(status.code()).as(status.out() + status.err()).isZero();
        assertThat(status.out()).contains("web-03");

        CliRun again = CliRun.run("plan", "run", plan.toString(), "--only", "web-03", "--resume", "--state-dir",
                state.toString());
        assertThat(again.code()).as(again.out() + again.err()).isZero();
    }
}
