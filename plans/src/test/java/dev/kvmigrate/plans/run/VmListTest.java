package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmListTest {
    @TempDir
    Path tmp;

    @Test
    void theIndexComesFromTheOptionElseFromKubernetesEnvironment() throws Exception {
        Path list = Files.writeString(tmp.resolve("wave-1.json"), "[\"cad-ws-01\", \"Web 03\", \"render-7\"]");
        assertThat(VmList.pick(list, Optional.of(1), Map.of())).isEqualTo("Web 03");
        assertThat(VmList.pick(list, Optional.empty(), Map.of("JOB_COMPLETION_INDEX", "2"))).isEqualTo("render-7");
        assertThat(VmList.pick(list, Optional.of(0), Map.of("JOB_COMPLETION_INDEX", "2"))).isEqualTo("cad-ws-01");
    }

    @Test
    void aWronglyConfiguredPodIsAUsageErrorNamingTheFix() throws Exception {
        Path list = Files.writeString(tmp.resolve("wave-1.json"), "[\"a\"]");
        assertThatThrownBy(() -> VmList.pick(list, Optional.empty(), Map.of()))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("JOB_COMPLETION_INDEX")
                .satisfies(e -> assertThat(((KvMigrateException) e).exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> VmList.pick(list, Optional.of(1), Map.of()))
                .hasMessageContaining("has 1 VM(s); index 1 names none");
        assertThatThrownBy(() -> VmList.pick(list, Optional.empty(), Map.of("JOB_COMPLETION_INDEX", "x")))
                .hasMessageContaining("is not an index");
        Path notArray = Files.writeString(tmp.resolve("bad.json"), "{\"a\": 1}");
        assertThatThrownBy(() -> VmList.pick(notArray, Optional.of(0), Map.of()))
                .hasMessageContaining("not a non-empty JSON array");
        assertThatThrownBy(() -> VmList.pick(tmp.resolve("missing.json"), Optional.of(0), Map.of()))
                .hasMessageContaining("cannot read it");
    }
}
