package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.Step;
import dev.kvmigrate.plans.run.StepState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan status --watch} ends after a crashed run: nobody holds the plan and the journal stands still. */
class PlanStatusWatchTest {
    @TempDir
    Path tmp;

    @Test
    void watchEndsWhenNoProcessHoldsAnUnfinishedRun() throws Exception {
        Path plan = ExampleCopy.into(tmp, null);
        Path journal = plan.resolveSibling("plan.yaml.journal");
        try (Journal j = Journal.open(journal)) {
            // A run that started and never ended (its process was killed).
            j.append(Optional.empty(), Step.RUN, StepState.STARTED, Map.of());
        }
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> CliRun.run("plan", "status", plan.toString(), "--watch"));
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("no process holds the plan", "--resume");
    }
}
