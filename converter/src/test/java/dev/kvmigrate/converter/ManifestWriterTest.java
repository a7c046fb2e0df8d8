package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestWriterTest {
    @Test
    void replacesItsOwnOutputWholeAndLeavesNoTemporaryDirectories(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        ManifestWriter.write(GoldenTest.convert(), out, OutputFormat.YAML);
        Files.writeString(out.resolve("stale.yaml"), "kind: Stale\n");
        ManifestWriter.write(GoldenTest.convert(), out, OutputFormat.JSON);
        assertThat(out.resolve("stale.yaml")).doesNotExist();
        assertThat(out.resolve("virtualmachine-train-03.json")).exists();
        assertThat(out.resolve("virtualmachine-train-03.yaml")).doesNotExist();
        assertThat(out.resolve(ManifestWriter.MARKER)).exists();
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings).extracting(p -> p.getFileName().toString()).containsExactly("out");
        }
    }

    @Test
    void emptyDirectoryIsUsedButAFileOrForeignDirectoryIsRefused(@TempDir Path tmp) throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        ManifestWriter.write(GoldenTest.convert(), empty, OutputFormat.YAML);
        assertThat(empty.resolve("Kustomization")).exists();
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> ManifestWriter.write(GoldenTest.convert(), file, OutputFormat.YAML))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("not a directory");
        Path foreign = Files.createDirectory(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> ManifestWriter.write(GoldenTest.convert(), foreign, OutputFormat.YAML))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("was not written by kv-migrate");
        assertThat(foreign.resolve("notes.txt")).hasContent("mine");
    }
}
