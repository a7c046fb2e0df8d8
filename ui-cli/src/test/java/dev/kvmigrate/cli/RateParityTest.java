package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.PlanTargets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** A rate means the same on the command line ({@code --limit-rate}) and in a plan ({@code options.bandwidth}). */
class RateParityTest {
    @ParameterizedTest
    @CsvSource({"100M, 100000000", "100Mi, 104857600", "1.5Gi, 1610612736", "250k/s, 250000", "4096, 4096"})
    void limitRateAndPlanBandwidthAgree(String rate, long bytesPerSecond) {
        ImportCommand cmd = new ImportCommand();
        new CommandLine(cmd).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--limit-rate", rate, "disk.img", "--to", "dir:out");
        long cli = cmd.settings().limiter().bytesPerSecond();
        long plan = PlanTargets.transfer(PlanReader.parse("apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\n"
                + "metadata: {name: p}\nsource: {xmlDir: d}\ntarget: dir:out\noptions: {bandwidth: \"" + rate + "\"}\n",
                "plan.yaml")).limiter().bytesPerSecond();
        assertThat(cli).isEqualTo(plan).isEqualTo(bytesPerSecond);
    }
}
