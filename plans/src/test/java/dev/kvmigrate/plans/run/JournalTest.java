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

    @Test
    void aMirrorHearsEveryAppendAfterItIsOnDisk() {
        Path p = dir.resolve("plan.journal");
        java.util.List<JournalEntry> mirrored = new java.util.ArrayList<>();
        try (Journal j = Journal.open(p, e -> {
            assertThat(Journal.read(p)).as("on disk before the mirror hears it").contains(e);
            mirrored.add(e);
        })) {
            j.append(Optional.empty(), "run", StepState.STARTED, Map.of());
            j.append(Optional.of("web-03"), "validate", StepState.SUCCEEDED, Map.of());
        }
        assertThat(mirrored).isEqualTo(Journal.read(p));
    }

    @Test
    void seedingFillsAnEmptyJournalAndTheSequenceContinuesAfterTheHighest() {
        Path p = dir.resolve("plan.journal");
        // two VMs' records as the cluster keeps them: their numbers interleave
        var a = new JournalEntry(7, "2026-01-01T00:00:07Z", Optional.of("a"), "vm", StepState.SUCCEEDED, Map.of());
        var b = new JournalEntry(3, "2026-01-01T00:00:03Z", Optional.of("b"), "vm", StepState.STARTED, Map.of());
        Journal.seed(p, java.util.List.of(a, b));
        assertThat(Journal.read(p)).containsExactly(a, b);
        try (Journal j = Journal.open(p)) {
            assertThat(j.append(Optional.of("b"), "vm", StepState.SUCCEEDED, Map.of()).seq()).isEqualTo(8);
        }
        assertThatThrownBy(() -> Journal.seed(p, java.util.List.of(a))).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("has entries already");
        assertThat(Journal.read(p)).hasSize(3);
    }

    @Test
    void entriesMergedFromSeveralVmsFoldAsTheirOwnJournals() {
        // RunState folds per VM in list order and never reads seq: overlapping numbers do not matter
        var a1 = new JournalEntry(1, "2026-01-01T00:00:01Z", Optional.of("a"), "vm", StepState.STARTED, Map.of());
        var a2 = new JournalEntry(2, "2026-01-01T00:00:09Z", Optional.of("a"), "vm", StepState.SUCCEEDED, Map.of());
        var b1 = new JournalEntry(1, "2026-01-01T00:00:02Z", Optional.of("b"), "vm", StepState.STARTED, Map.of());
        var b2 = new JournalEntry(2, "2026-01-01T00:00:05Z", Optional.of("b"), "vm", StepState.FAILED,
                Map.of("error", "boom"));
        RunState s = RunState.of(java.util.List.of(a1, a2, b1, b2));
        assertThat(s.vm("a").orElseThrow().outcome()).contains(StepState.SUCCEEDED);
        assertThat(s.vm("b").orElseThrow().error()).contains("boom");
        assertThat(RunState.of(java.util.List.of(b1, b2, a1, a2)).vm("a").orElseThrow().outcome())
                .contains(StepState.SUCCEEDED);
    }
}
