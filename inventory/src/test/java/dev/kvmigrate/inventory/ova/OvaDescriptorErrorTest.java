package dev.kvmigrate.inventory.ova;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A crafted OVF inside an OVA is an input error that names the OVA and its descriptor, never exit 70. */
class OvaDescriptorErrorTest {
    @Test
    void allocationUnitsBeyondAnyRealSizeNameTheDescriptor() {
        Path ova = SharedDir.require("fixtures/hostile/alloc-units.ova");
        assertThatThrownBy(() -> {
            try (OvaSource s = OvaSource.open(ova)) {
                s.scan(VmSelector.ALL);
            }
        }).isInstanceOfSatisfying(KvMigrateException.class, e -> {
            org.assertj.core.api.Assertions.assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
            org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains("alloc-units.ova!")
                    .contains("allocation units").doesNotContain("Exception");
        });
    }
}
