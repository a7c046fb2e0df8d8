package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.importer.standin.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogicalContentIT {
    @TempDir Path tmp;

    private static List<String> runs(LogicalContent c) throws IOException {
        List<String> out = new ArrayList<>();
        c.accept(new BlockVisitor() {
            @Override
            public void data(long offset, byte[] buf, int off, int len) {
                out.add("D" + offset + "+" + len);
            }

            @Override
            public void zeros(long offset, long length) {
                out.add("Z" + offset + "+" + length);
            }
        });
        return out;
    }

    @Test
    void holesFromTheFilesystemAndScannedZerosGiveTheSameRunsAndDigest() throws IOException {
        long size = 64L * 1024 * 1024 + 12345;
        Path raw = TestImages.sparseRaw(tmp.resolve("d.raw"), size, 0.2, 7);
        LogicalContent seek = new FileSliceContent(raw, 0, size);
        LogicalContent scan = new StreamContent(() -> Files.newInputStream(raw), OptionalLong.of(size));
        assertThat(runs(seek)).isEqualTo(runs(scan));
        for (Checksum c : Checksum.values()) {
            ContentDigest a = c.start();
            seek.accept(a);
            ContentDigest b = c.start();
            scan.accept(b);
            assertThat(a.finish()).isEqualTo(b.finish());
        }
    }
}
