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

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        assertThat(KvMigrate.subcommandsFor("import", "a.raw", "--to", "dir:out")).containsExactly(ImportCommand.class);
        assertThat(KvMigrate.subcommandsFor("plan", "run", "p.yaml")).containsExactly(PlanCommand.class);
        assertThat(KvMigrate.subcommandsFor("--version")).isEmpty();
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "import"}, {"completion", "bash"}, {"imprt"},
                {"-h", "import"}}) {
            assertThat(KvMigrate.subcommandsFor(args)).as(String.join(" ", args)).hasSize(7);
        }
    }

    @Test
    void aSubcommandRunAloneBehavesAsInTheWholeTree() {
        CliRun alone = CliRun.run("import", "--help");
        assertThat(alone.code()).isZero();
        assertThat(alone.out()).startsWith("Usage: kv-migrate import ");
        CliRun viaHelp = CliRun.run("help", "import");
        assertThat(viaHelp.out()).isEqualTo(alone.out());
        CliRun wrongOption = CliRun.run("import", "--no-such-flag");
        assertThat(wrongOption.code()).isEqualTo(2);
        assertThat(wrongOption.err()).contains("kv-migrate: Unknown option: '--no-such-flag'");
    }

    @Test
    void aMisspeltSubcommandGetsSuggestions() {
        CliRun r = CliRun.run("imprt");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Did you mean: kv-migrate import");
    }
}
