package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code dir:} import sends nothing anywhere: it says how much data it wrote, holes and zero blocks left out. */
class ImportDirOutputTest {
    @TempDir
    Path tmp;

    @Test
    void aSparseImageReportsItsSizeAndTheDataWrittenNotBytesSent() throws IOException {
        Path image = tmp.resolve("sparse.img");
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(64L << 20);
            for (int mib = 0; mib < 64; mib += 4) { // 16 MiB of data in 64 MiB
                f.seek((long) mib << 20);
                f.write(data);
            }
        }
        CliRun r = CliRun.run("import", image.toString(), "--to", "dir:" + tmp.resolve("out"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("imported  64.0 MiB, 16.0 MiB of data written").doesNotContain("sent");
    }
}
