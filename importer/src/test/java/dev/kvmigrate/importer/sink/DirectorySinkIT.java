package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.source.ImageSource;
import dev.kvmigrate.importer.source.LocalFileSource;
import dev.kvmigrate.importer.source.OvaEntrySource;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.importer.transfer.Checksum;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySinkIT {
    static final long SIZE = 64L * 1024 * 1024 + 4608; // a whole number of sectors, not of 64 KiB blocks
    @TempDir static Path tmp;
    static Path raw;

    @BeforeAll
    static void images() throws IOException {
        raw = TestImages.sparseRaw(tmp.resolve("disk.raw"), SIZE, 0.2, 7);
    }

    private ImportResult importInto(ImageSource source, Path out, TransferSettings settings) {
        return Importer.run(new Importer.Job("d", source, new DirectorySink(out, "vol")), settings,
                ProgressListener.NONE);
    }

    @Test
    void rawSourceLandsIdenticalSparseAndVerified() throws IOException {
        Path out = tmp.resolve("o-raw");
        ImportResult r = importInto(new LocalFileSource(raw), out, TransferSettings.defaults());
        Path vol = out.resolve("vol.img");
        assertThat(TestImages.identical(raw, vol)).isTrue();
        assertThat(Files.size(vol)).isEqualTo(SIZE);
        assertThat(TestImages.allocated(vol)).isLessThan(SIZE / 3);
        assertThat(r.digest()).startsWith("xxh3-128/64k:");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files).containsExactly(vol);
        }
    }

    @Test
    void sha256MatchesSha256sumOfTheVolume() throws Exception {
        Path out = tmp.resolve("o-sha");
        ImportResult r = importInto(new LocalFileSource(raw), out,
                TransferSettings.defaults().withChecksum(Checksum.SHA256));
        Process p = new ProcessBuilder("sha256sum", out.resolve("vol.img").toString()).start();
        String sum = new String(p.getInputStream().readAllBytes()).split(" ")[0];
        assertThat(r.digest()).isEqualTo("sha256:" + sum);
    }

    @Test
    void qcow2VmdkVhdxCompressedAndOvaMembersLandIdentical() throws IOException {
        Path qcow2 = TestImages.convert(raw, "qcow2", tmp.resolve("disk.qcow2"));
        Path vmdk = TestImages.convert(raw, "vmdk", tmp.resolve("disk.vmdk"));
        Path vhdx = TestImages.convert(raw, "vhdx", tmp.resolve("disk.vhdx"));
        Path gz = TestImages.gzip(raw, tmp.resolve("disk.raw.gz"));
        Path zst = tmp.resolve("disk.raw.zst");
        Path xz = tmp.resolve("disk.raw.xz");
        TestImages.run("zstd", "-q", "-1", raw.toString(), "-o", zst.toString());
        TestImages.run("sh", "-c", "xz -0 -T1 -c " + raw + " > " + xz);
        Path ova = TestImages.ova(tmp.resolve("vm.ova"), qcow2, raw);
        ImageSource[] sources = {new LocalFileSource(qcow2), new LocalFileSource(vmdk), new LocalFileSource(vhdx),
            new LocalFileSource(gz), new LocalFileSource(zst), new LocalFileSource(xz),
            new OvaEntrySource(ova, "disk.qcow2"), new OvaEntrySource(ova, "disk.raw")};
        String[] digests = new String[sources.length];
        for (int i = 0; i < sources.length; i++) {
            Path out = tmp.resolve("o-" + i);
            digests[i] = importInto(sources[i], out, TransferSettings.defaults()).digest();
            assertThat(TestImages.identical(raw, out.resolve("vol.img"))).as(sources[i].name()).isTrue();
        }
        assertThat(digests).containsOnly(digests[0]);
    }

    @Test
    void backingFileIsRefusedAndNothingIsWritten() throws IOException {
        Path base = TestImages.convert(raw, "qcow2", tmp.resolve("base.qcow2"));
        Path overlay = tmp.resolve("overlay.qcow2");
        new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base.toString(),
                overlay.toString()).inheritIO().start().onExit().join();
        Path out = tmp.resolve("o-overlay");
        assertThatThrownBy(() -> importInto(new LocalFileSource(overlay), out, TransferSettings.defaults()))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("backing file");
        assertThat(out).doesNotExist();
    }
}
