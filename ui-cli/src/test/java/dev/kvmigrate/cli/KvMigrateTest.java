package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KvMigrateTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = KvMigrate.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void versionNamesTheTool() {
        Result r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("kv-migrate ").doesNotContain("${");
    }

    @Test
    void helpListsExitCodesAndStages() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("inventory", "completion", "Exit codes:", "source unreachable");
    }

    @Test
    void unknownOptionIsAUsageErrorWithOneLineMessage() {
        Result r = run("--no-such-flag");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("kv-migrate: Unknown option: '--no-such-flag'").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void completionScriptCoversSubcommands() {
        Result r = run("completion", "bash");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("complete -F").contains("inventory");
    }
}
