package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.source.LocalFileSource;
import dev.kvmigrate.importer.standin.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An existing NAME.img is never replaced unless the sink was made to replace it. */
class DirectorySinkOverwriteTest {
    @TempDir
    Path tmp;

    @Test
    void existingImageIsRefusedUntouchedAndReplacedOnlyWhenAsked() throws Exception {
        Path raw = TestImages.sparseRaw(tmp.resolve("disk.raw"), 1 << 20, 0.5, 3);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path existing = Files.writeString(out.resolve("vol.img"), "someone else's file");
        DirectorySink sink = new DirectorySink(out, "vol");
        assertThatThrownBy(() -> Importer.run(new Importer.Job("d", new LocalFileSource(raw), sink),
                TransferSettings.defaults().withRetries(0), ProgressListener.NONE))
                .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.TARGET_ERROR);
                    assertThat(e.getMessage()).contains(existing.toString(), "already exists", "--overwrite");
                });
        assertThat(Files.readString(existing)).isEqualTo("someone else's file");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files).containsExactly(existing);
        }

        Importer.run(new Importer.Job("d", new LocalFileSource(raw), sink.replacingExisting()),
                TransferSettings.defaults(), ProgressListener.NONE);
        assertThat(TestImages.identical(raw, existing)).isTrue();
    }

    @Test
    void newImageIsLinkedIntoPlaceWithoutLeftovers() throws Exception {
        Path raw = TestImages.sparseRaw(tmp.resolve("disk2.raw"), 1 << 20, 0.5, 4);
        Path out = tmp.resolve("out2");
        Importer.run(new Importer.Job("d", new LocalFileSource(raw), new DirectorySink(out, "vol")),
                TransferSettings.defaults(), ProgressListener.NONE);
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files).containsExactly(out.resolve("vol.img"));
        }
        assertThat(Files.getAttribute(out.resolve("vol.img"), "unix:nlink")).isEqualTo(1);
    }
}
