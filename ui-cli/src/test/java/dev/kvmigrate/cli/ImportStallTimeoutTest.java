package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.importer.TransferSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code import --stall-timeout}: how long an upload attempt may move no byte before it fails as stalled and is
 * retried (the stalled-proxy cases themselves are proven in the importer's {@code CdiUploadHostileProxyIT}).
 */
class ImportStallTimeoutTest {
    private static TransferSettings parse(String... args) {
        ImportCommand cmd = new ImportCommand();
        new CommandLine(cmd).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return cmd.settings();
    }

    @Test
    void theOptionReachesTheTransferSettingsAndDefaultsToAMinute() {
        assertThat(parse("disk.img", "--to", "dir:out").stallTimeout()).isEqualTo(TransferSettings.DEFAULT_STALL);
        assertThat(parse("--stall-timeout", "15s", "disk.img", "--to", "dir:out").stallTimeout())
                .isEqualTo(Duration.ofSeconds(15));
        assertThat(parse("--stall-timeout", "PT2M", "disk.img", "--to", "dir:out").stallTimeout())
                .isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aZeroStallTimeoutIsAUsageError() {
        CliRun r = CliRun.run("import", "--stall-timeout", "0s", "disk.img", "--to", "dir:out");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("--stall-timeout must be positive");
    }
}
