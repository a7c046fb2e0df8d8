package dev.kvmigrate.inventory.ova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ova.HostileOvas;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scan's side of the hostile OVA table (the importer's {@code OvaHostileImportTest} is the other): each fixture,
 * plain and gzip-compressed, gets the shared member policy's answer, word for word.
 */
class OvaHostileScanTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kvmigrate.common.ova.HostileOvas#rows")
    void scanGivesThePolicysAnswer(HostileOvas.Row row) throws IOException {
        for (Path ova : List.of(row.path(), HostileOvas.gzipped(row.path(), dir))) {
            if (row.answer() == HostileOvas.Answer.REFUSED) {
                String policy = HostileOvas.policyAnswer(ova).orElseThrow();
                assertThatThrownBy(() -> OvaSource.open(ova).scan(VmSelector.ALL)).as(ova.toString())
                        .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                            assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                            assertThat(e.getMessage()).isEqualTo(policy).startsWith(row.refusalStart(ova));
                        });
            } else {
                Inventory inv = OvaSource.open(ova).scan(VmSelector.ALL);
                assertThat(inv.vms()).as(ova.toString()).isNotEmpty();
                assertThat(inv.vms().get(0).disks()).extracting(d -> d.source().entry().orElse(""))
                        .contains("disk1.vmdk");
            }
        }
    }
}
