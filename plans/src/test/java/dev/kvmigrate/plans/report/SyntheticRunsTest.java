package dev.kvmigrate.plans.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyntheticRunsTest {
    @Test
    void theSameSeedGivesTheSameRun() {
        SyntheticRuns.Run a = SyntheticRuns.generate(30, 11);
        SyntheticRuns.Run b = SyntheticRuns.generate(30, 11);
        assertThat(a.journal()).isEqualTo(b.journal());
        assertThat(a.finishedAt()).isEqualTo(b.finishedAt());
        assertThat(ReportWriter.json(a.report())).isEqualTo(ReportWriter.json(b.report()));
        assertThat(SyntheticRuns.generate(30, 12).journal()).isNotEqualTo(a.journal());
    }

    @Test
    void theReportBuiltFromItsJournalHasEveryVmItsTimesAndItsWaves() {
        SyntheticRuns.Run run = SyntheticRuns.generate(60, 3);
        RunReport r = run.report();
        assertThat(r.vms()).hasSize(60).allSatisfy(vm -> {
            assertThat(vm.startedAt()).isPresent();
            assertThat(vm.finishedAt()).isPresent();
            assertThat(vm.outcome()).isIn(Outcome.SUCCEEDED, Outcome.FAILED);
        });
        for (int w = 0; w < run.waves().size(); w++) {
            for (String vm : run.waves().get(w)) {
                Optional<Integer> wave = r.vms().stream().filter(v -> v.name().equals(vm)).findFirst()
                        .flatMap(VmReport::wave);
                assertThat(wave).as(vm).contains(w + 1);
            }
        }
        assertThat(run.waves()).hasSizeGreaterThan(1);
        assertThat(r.wireBytes()).isPositive();
        assertThat(r.throughput()).isNotEmpty();
        assertThat(r.throughput().stream().mapToDouble(ThroughputSample::bytesPerSecond).sum())
                .as("every byte sent is in the throughput samples").isCloseTo(r.wireBytes(),
                        org.assertj.core.data.Percentage.withPercentage(0.001));
        List<VmReport> failed = r.vms().stream().filter(v -> v.outcome() == Outcome.FAILED).toList();
        assertThat(failed).allSatisfy(v -> assertThat(v.error()).isPresent());
    }
}
