package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.source.FileSlice;
import dev.kvmigrate.importer.source.LocalFileSource;
import dev.kvmigrate.importer.standin.TestImages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the directory sink runs qemu-img: every image pinned to its driver and its one file with no backing file,
 * and a failure blamed on the image (invalid input, naming it) or on the target, whichever it is.
 */
class QemuImgIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SIZE = 4L << 20;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needQemuImg() throws IOException {
        assumeTrue(qemuImgRuns(), "skipped: qemu-img (Debian qemu-utils) is not installed");
    }

    private static boolean qemuImgRuns() {
        try {
            return TestImages.run("qemu-img", "--version") == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theFilenamePinsTheDriverAndTheOneFile() throws IOException {
        Path odd = tmp.resolve("a \"quoted\\\" name\nwith a newline.qcow2");
        JsonNode whole = json(QemuImg.filename(new FileSlice(odd, 0, 1024), ImageFormat.QCOW2));
        assertThat(whole.get("driver").asText()).isEqualTo("qcow2");
        assertThat(whole.get("backing").isNull()).isTrue();
        assertThat(whole.get("file").get("driver").asText()).isEqualTo("file");
        assertThat(whole.get("file").get("filename").asText()).isEqualTo(odd.toAbsolutePath().toString());

        JsonNode member = json(QemuImg.filename(new FileSlice(Path.of("rel/vm.ova"), 1536, 4096), ImageFormat.VMDK));
        assertThat(member.get("driver").asText()).isEqualTo("vmdk");
        assertThat(member.get("backing").isNull()).isTrue();
        assertThat(member.get("file").get("driver").asText()).isEqualTo("raw");
        assertThat(member.get("file").get("offset").asLong()).isEqualTo(1536);
        assertThat(member.get("file").get("size").asLong()).isEqualTo(4096);
        assertThat(member.get("file").get("file").get("filename").asText())
                .isEqualTo(Path.of("rel/vm.ova").toAbsolutePath().toString());

        assertThat(json(QemuImg.filename(new FileSlice(odd, 0, 1), ImageFormat.VHD)).get("driver").asText())
                .isEqualTo("vpc");
    }

    private static JsonNode json(String filename) throws IOException {
        assertThat(filename).startsWith("json:");
        return JSON.readTree(filename.substring("json:".length()));
    }

    @Test
    void aBackingFileTheHeaderCheckMissedIsStillNotRead() throws IOException {
        Path base = TestImages.convert(TestImages.sparseRaw(tmp.resolve("base.raw"), SIZE, 1.0, 3), "qcow2",
                tmp.resolve("base.qcow2"));
        Path overlay = tmp.resolve("overlay.qcow2");
        TestImages.run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base.toString(),
                overlay.toString());
        Path out = tmp.resolve("overlay.raw");
        QemuImg.convertToRaw(new FileSlice(overlay, 0, Files.size(overlay)), ImageFormat.QCOW2, out);
        assertThat(Files.size(out)).isEqualTo(SIZE);
        assertThat(allZero(out)).as("the base's data stays out").isTrue();
    }

    @Test
    void anImageOnlyQemuImgFindsCorruptIsInvalidInputNamingIt() throws IOException {
        Path image = TestImages.convert(TestImages.sparseRaw(tmp.resolve("c.raw"), SIZE, 1.0, 4), "qcow2",
                tmp.resolve("corrupt.qcow2"));
        // L1 entry 0 points at an unaligned L2 table: the header is fine, qemu-img fails reading the data.
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(48);
            ch.read(h, 0);
            long l1 = h.getLong(40);
            ByteBuffer e = ByteBuffer.allocate(8);
            ch.read(e, l1);
            ch.write(ByteBuffer.allocate(8).putLong(0, e.getLong(0) | 0x200), l1);
        }
        Path out = tmp.resolve("out");
        Throwable t = catchThrowable(() -> Importer.run(new Importer.Job("d", new LocalFileSource(image),
                new DirectorySink(out, "vol")), TransferSettings.defaults(), ProgressListener.NONE));
        assertThat(t).isInstanceOf(KvMigrateException.class);
        KvMigrateException k = (KvMigrateException) t;
        assertThat(k.exitCode()).as(k.getMessage()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(k.getMessage()).contains(image.toRealPath().toString()).contains("qemu-img cannot read it")
                .doesNotContain("json:");
        assertThat(out.resolve("vol.img")).doesNotExist();
    }

    @Test
    void aTargetQemuImgCannotWriteIsATargetError() throws IOException {
        Path image = TestImages.convert(TestImages.sparseRaw(tmp.resolve("t.raw"), SIZE, 0.5, 5), "qcow2",
                tmp.resolve("t.qcow2"));
        Path target = tmp.resolve("no-such-dir").resolve("vol.img");
        Throwable t = catchThrowable(() -> QemuImg.convertToRaw(new FileSlice(image, 0, Files.size(image)),
                ImageFormat.QCOW2, target));
        assertThat(t).isInstanceOf(KvMigrateException.class);
        assertThat(((KvMigrateException) t).exitCode()).as(t.getMessage()).isEqualTo(ExitCode.TARGET_ERROR);
        assertThat(t.getMessage()).contains(target.toString());
    }

    private static boolean allZero(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            while (ch.read(b.clear()) > 0) {
                b.flip();
                while (b.hasRemaining()) {
                    if (b.get() != 0) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
