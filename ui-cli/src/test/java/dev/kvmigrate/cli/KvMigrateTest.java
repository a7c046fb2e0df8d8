package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KvMigrateTest {

    @Test
    void versionNamesTheTool() {
        CliRun r = CliRun.run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("kv-migrate ").doesNotContain("${");
    }

    @Test
    void helpListsExitCodesAndStages() {
        CliRun r = CliRun.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("inventory", "completion", "Exit codes:", "source unreachable");
    }

    @Test
    void unknownOptionIsAUsageErrorWithOneLineMessage() {
        CliRun r = CliRun.run("--no-such-flag");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("kv-migrate: Unknown option: '--no-such-flag'").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void completionScriptCoversSubcommands() {
        CliRun r = CliRun.run("completion", "bash");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("complete -F").contains("inventory");
    }
}
