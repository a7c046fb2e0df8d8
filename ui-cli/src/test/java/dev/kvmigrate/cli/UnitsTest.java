package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

class UnitsTest {
    @TempDir Path dir;

    @Test
    void waitsAcceptShortFormsAndIso() {
        Units.Wait w = new Units.Wait();
        assertThat(w.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(w.convert("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(w.convert("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> w.convert("soon")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void bytesReadLikePeopleWriteThem() {
        assertThat(Units.bytes(512)).isEqualTo("512 B");
        assertThat(Units.bytes(3L << 30)).isEqualTo("3.0 GiB");
    }

    @Test
    void aBadLimitRateIsInvalidInputNamingTheOptionBeforeAnythingIsRead() throws Exception {
        Path image = Files.write(dir.resolve("a.raw"), new byte[4096]);
        CliRun r = CliRun.run("import", image.toString(), "--to", "dir:" + dir.resolve("out"), "--limit-rate",
                "100MB");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(r.err()).contains("--limit-rate '100MB' is not a rate (did you mean 100M or 100Mi?")
                .doesNotContain("Exception");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aBadSizeIsInvalidInputNamingTheOption() throws Exception {
        Path image = Files.write(dir.resolve("a.raw"), new byte[4096]);
        CliRun r = CliRun.run("import", image.toString(), "--to", "dir:" + dir.resolve("out"), "--size", "-1Gi");
        assertThat(r.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(r.err()).contains("--size '-1Gi' is negative; write a size such as 20Gi");
    }
}
