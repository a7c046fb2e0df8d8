package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    @Test
    void entriesAreNumberedAndReadBack() {
        Path p = dir.resolve("plan.journal");
        try (Journal j = Journal.open(p)) {
            j.append(Optional.of("cad-ws-01"), "import-disk", StepState.STARTED, Map.of("disk", "sda"));
            j.append(Optional.of("cad-ws-01"), "import-disk", StepState.SUCCEEDED,
                    Map.of("disk", "sda", "digest", "xxh3:abc"));
        }
        var entries = Journal.read(p);
        assertThat(entries).extracting(JournalEntry::seq).containsExactly(1L, 2L);
        assertThat(entries.get(1).detail("digest")).contains("xxh3:abc");
        assertThat(entries.get(0).vm()).contains("cad-ws-01");
    }

    @Test
    void reopeningContinuesTheSequence() {
        Path p = dir.resolve("plan.journal");
        try (Journal j = Journal.open(p)) {
            j.append(Optional.empty(), "run", StepState.STARTED, Map.of());
        }
        try (Journal j = Journal.open(p)) {
            assertThat(j.append(Optional.empty(), "run", StepState.SUCCEEDED, Map.of()).seq()).isEqualTo(2);
        }
    }

    @Test
    void tornLastLineIsIgnoredAndTruncatedBeforeAppending() throws Exception {
        Path p = dir.resolve("plan.journal");
        try (Journal j = Journal.open(p)) {
            j.append(Optional.of("a"), "create-vm", StepState.SUCCEEDED, Map.of());
        }
        // What kill -9 in the middle of a write leaves behind.
        Files.writeString(p, "{\"seq\":2,\"time\":\"2026-", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThat(Journal.read(p)).hasSize(1);
        try (Journal j = Journal.open(p)) {
            j.append(Optional.of("a"), "start", StepState.STARTED, Map.of());
        }
        assertThat(Journal.read(p)).extracting(JournalEntry::step).containsExactly("create-vm", "start");
        assertThat(Files.readString(p)).doesNotContain("2026-{");
    }

    @Test
    void corruptMiddleLineIsAnErrorNamingTheLine() throws Exception {
        Path p = dir.resolve("plan.journal");
        Files.writeString(p, "{\"seq\":1,\"time\":\"t\",\"step\":\"s\",\"state\":\"STARTED\"}\nGARBAGE\n");
        assertThatThrownBy(() -> Journal.read(p)).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("plan.journal:2 is corrupt");
    }

    @Test
    void secondWriterIsRefused() {
        Path p = dir.resolve("plan.journal");
        try (Journal j = Journal.open(p)) {
            assertThatThrownBy(() -> Journal.open(p)).isInstanceOf(KvMigrateException.class)
                    .hasMessageContaining("in use by another");
        }
    }

    @Test
    void missingJournalReadsEmpty() {
        assertThat(Journal.read(dir.resolve("none.journal"))).isEmpty();
    }
}
