package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import --to dir:}: two sources into one file are refused; an existing image is kept unless --overwrite. */
class ImportOverwriteTest {
    @TempDir
    Path tmp;

    private Path raw(Path file, int fill) throws Exception {
        Files.createDirectories(file.getParent());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(1 << 20);
            f.write(new byte[] {(byte) fill, 1, 2, 3});
        }
        return file;
    }

    @Test
    void twoSourcesWithTheSameDiskNameAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path a = raw(tmp.resolve("a/disk.raw"), 7);
        Path b = raw(tmp.resolve("b/disk.raw"), 9);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run("import", a.toString(), "--to", "dir:" + out, b.toString(), "--to", "dir:" + out + "/");
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains(a.toString(), b.toString(), "one would be lost");
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void existingImageIsKeptUnlessOverwriteIsGiven() throws Exception {
        Path a = raw(tmp.resolve("a/disk.raw"), 7);
        Path out = Files.createDirectories(tmp.resolve("out2"));
        Path img = Files.writeString(out.resolve("disk.img"), "precious");
        CliRun r = CliRun.run("import", a.toString(), "--to", "dir:" + out);
        assertThat(r.code()).as(r.err()).isEqualTo(5);
        assertThat(r.err()).contains(img.toString(), "already exists", "--overwrite");
        assertThat(Files.readString(img)).isEqualTo("precious");

        CliRun again = CliRun.run("import", a.toString(), "--to", "dir:" + out, "--overwrite");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Files.size(img)).isEqualTo(1 << 20);
    }
}
