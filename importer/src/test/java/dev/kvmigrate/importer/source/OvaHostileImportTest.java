package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.common.ova.HostileOvas;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The import's side of the hostile OVA table (the inventory's {@code OvaHostileScanTest} is the other): importing the
 * member that decides each fixture, plain and gzip-compressed, gets the shared member policy's answer, word for word,
 * so the scan and the import refuse alike.
 */
class OvaHostileImportTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kvmigrate.common.ova.HostileOvas#rows")
    void importGivesThePolicysAnswer(HostileOvas.Row row) throws IOException {
        for (Path ova : List.of(row.path(), HostileOvas.gzipped(row.path(), dir))) {
            DiskLocation.OvaMember location = new DiskLocation.OvaMember(ova, row.member());
            if (row.answer() == HostileOvas.Answer.REFUSED) {
                String policy = HostileOvas.policyAnswer(ova).orElseThrow();
                assertThatThrownBy(() -> ImageSources.open(location, ImageSources.Context.DEFAULT))
                        .as(ova.toString()).isInstanceOfSatisfying(KvMigrateException.class, e -> {
                            assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                            assertThat(e.getMessage()).isEqualTo(policy).startsWith(row.refusalStart(ova));
                        });
            } else {
                ImageSource source = ImageSources.open(location, ImageSources.Context.DEFAULT);
                byte[] bytes;
                try (InputStream in = source.open()) {
                    bytes = in.readAllBytes(); // fixtures are small
                }
                assertThat(source.length()).hasValue(bytes.length);
                if (!row.phrase().isEmpty()) {
                    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(row.phrase());
                }
            }
        }
    }

    @Test
    void aClimbingOrAbsoluteNameIsRefusedEvenWhenNoMemberHasIt() {
        Path ova = SharedDir.require("fixtures/hostile/dotdot.ova");
        for (String name : List.of("../x", "a/../../x", "..\\x", "/etc/passwd", "C:\\x", "")) {
            assertThatThrownBy(() -> ImageSources.open(new DiskLocation.OvaMember(ova, name),
                    ImageSources.Context.DEFAULT)).as(name)
                    .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                        assertThat(e.getMessage()).startsWith("OVA " + ova + ": member '" + name + "' ")
                                .containsAnyOf("climbs out", "is absolute", "is empty");
                    });
        }
    }

    @Test
    void theOtherMembersOfAnOvaWithARefusedMemberStayReadable() throws IOException {
        // the policy judges members one by one: the scan needs them all, the import only the one it names
        Path ova = SharedDir.require("fixtures/hostile/sym.ova");
        ImageSource source = ImageSources.open(new DiskLocation.OvaMember(ova, "disk1.vmdk"),
                ImageSources.Context.DEFAULT);
        assertThat(source.length()).hasValue(200_192);
    }
}
