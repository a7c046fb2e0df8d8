package dev.kvmigrate.plans.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanReaderEncodingTest {
    @Test
    void invalidUtf8IsInvalidInputNamingFileAndOffset(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: p".getBytes(
                StandardCharsets.US_ASCII));
        int offset = b.size();
        b.write(new byte[] {(byte) 0xff, (byte) 0xfe});
        b.write("}\n".getBytes(StandardCharsets.US_ASCII));
        Path plan = Files.write(dir.resolve("plan.yaml"), b.toByteArray());
        assertThatThrownBy(() -> PlanReader.read(plan)).isInstanceOfSatisfying(KvMigrateException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(e.getMessage()).contains(plan.toString(), "byte offset " + offset, "line 3",
                    "not valid UTF-8");
        });
    }
}
