package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.image.Qcow2Header;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java qcow2 reader on hand-made headers: tables outside the file and foreign files are refused, not read. */
class Qcow2RawSourceTest {
    private static final int CLUSTER = 65536;

    @TempDir
    Path tmp;

    /** A v3 image of 4 MiB, 64 KiB clusters, all unallocated: header, refcount table, L1 table at cluster 3. */
    private Path image(String name, Consumer<ByteBuffer> change) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(4 * CLUSTER);
        h.putInt(0, Qcow2Header.MAGIC).putInt(4, 3).putInt(20, 16).putLong(24, 4L << 20);
        h.putInt(36, 1).putLong(40, 3L * CLUSTER).putLong(48, CLUSTER).putInt(56, 1);
        h.putInt(96, 4).putInt(100, 112);
        change.accept(h);
        return Files.write(tmp.resolve(name), h.array());
    }

    private static KvMigrateException refusal(Throwable t) {
        assertThat(t).isInstanceOf(KvMigrateException.class);
        KvMigrateException e = (KvMigrateException) t;
        assertThat(e.exitCode()).as(e.getMessage()).isEqualTo(ExitCode.INVALID_INPUT);
        return e;
    }

    @Test
    void anUnallocatedImageReadsAsZeros() throws IOException {
        Qcow2RawSource s = Qcow2RawSource.open(image("zero.qcow2", h -> { }));
        assertThat(s.length()).hasValue(4L << 20);
        try (InputStream in = s.open()) {
            byte[] all = in.readAllBytes();
            assertThat(all).hasSize(4 << 20).containsOnly(0);
        }
    }

    @Test
    void whetherToReadQcow2InJavaIsAskedOnlyForAQcow2Image() throws IOException {
        int[] asked = {0};
        ImageSources.Context context = ImageSources.Context.DEFAULT.withRawQcow2(() -> {
            asked[0]++;
            return true;
        });
        Path raw = Files.write(tmp.resolve("plain.raw"), new byte[CLUSTER]);
        assertThat(ImageSources.open(new dev.kvmigrate.common.disk.DiskLocation.LocalFile(raw), context))
                .isInstanceOf(LocalFileSource.class);
        assertThat(asked[0]).as("a raw image needs no qemu-img probe").isZero();
        assertThat(ImageSources.open(new dev.kvmigrate.common.disk.DiskLocation.LocalFile(image("q.qcow2", h -> { })),
                context)).isInstanceOf(Qcow2RawSource.class);
        assertThat(asked[0]).isEqualTo(1);
    }

    @Test
    void anL1TablePastTheEndOfTheFileIsRefusedWithoutAllocatingIt() throws IOException {
        // 2^21 entries (16 MiB) needed by a 1 PiB disk, in a 256 KiB file.
        Path p = image("far.qcow2", h -> h.putLong(24, 1L << 50).putInt(36, 1 << 21));
        assertThat(refusal(catchThrowable(() -> Qcow2RawSource.open(p))).getMessage())
                .contains(p.toString()).contains("lies beyond the end of the file");
    }

    @Test
    void aDataFileOrBackingFileIsRefusedByName() throws IOException {
        Path data = image("data.qcow2", h -> h.putLong(72, Qcow2Header.EXTERNAL_DATA_FILE).putInt(112, 0x44415441)
                .putInt(116, 11).put(120, "/etc/passwd".getBytes(StandardCharsets.US_ASCII)));
        assertThat(refusal(catchThrowable(() -> Qcow2RawSource.open(data))).getMessage())
                .contains("not self-contained", "external data file (/etc/passwd)", "qemu-img convert -O qcow2");
        Path backing = image("backing.qcow2", h -> h.putLong(8, 512).putInt(16, 11)
                .put(512, "/etc/passwd".getBytes(StandardCharsets.US_ASCII)));
        assertThat(refusal(catchThrowable(() -> Qcow2RawSource.open(backing))).getMessage())
                .contains("a backing file (/etc/passwd)");
    }

    @Test
    void aMalformedHeaderIsInvalidInputNotAnIoError() throws IOException {
        Path p = image("l1.qcow2", h -> h.putInt(36, 0x10000000));
        assertThat(refusal(catchThrowable(() -> Qcow2RawSource.open(p))).getMessage())
                .contains(p.toString(), "L1 table of 268435456 entries is too large");
    }

    @Test
    void anL2TableOutsideTheFileIsRefusedWhileReading() throws IOException {
        Path p = image("l2.qcow2", h -> h.putLong(3 * CLUSTER, (1L << 63) | (64L * CLUSTER)));
        Qcow2RawSource s = Qcow2RawSource.open(p);
        Throwable t = catchThrowable(() -> {
            try (InputStream in = s.open()) {
                in.readAllBytes();
            }
        });
        assertThat(refusal(t).getMessage()).contains(p.toString(), "L2 table 0");
    }
}
