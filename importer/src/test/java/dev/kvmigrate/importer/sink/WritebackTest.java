package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class WritebackTest {
    @TempDir
    Path tmp;

    @Test
    @EnabledOnOs(OS.LINUX)
    void startsTheWriteBackOfEachFewMebibytesWrittenAndFlushesAllAtTheEnd() throws Exception {
        Path f = tmp.resolve("d.img");
        byte[] expected = write(f, f, 1);
        assertThat(Files.readAllBytes(f)).isEqualTo(expected);
    }

    @Test
    void withoutADescriptorItFlushesEveryStepInstead() throws Exception {
        Path f = tmp.resolve("e.img");
        // a path that names no file: no descriptor for sync_file_range, the periodic fdatasync instead
        byte[] expected = write(f, tmp.resolve("not-there"), 0);
        assertThat(Files.readAllBytes(f)).isEqualTo(expected);
    }

    /** 24 MiB in 1 MiB runs, every other MiB a hole; {@code ranges}: whether sync_file_range must have been used. */
    private static byte[] write(Path f, Path named, int ranges) throws Exception {
        byte[] all = new byte[24 << 20];
        try (FileChannel out = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Writeback w = new Writeback(out, named)) {
            Random r = new Random(3);
            for (int mib = 0; mib < 24; mib += 2) {
                byte[] run = new byte[1 << 20];
                r.nextBytes(run);
                System.arraycopy(run, 0, all, mib << 20, run.length);
                out.write(ByteBuffer.wrap(run), (long) mib << 20);
                w.wrote((long) mib << 20, run.length);
            }
            try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(all.length);
            }
            w.finish();
            if (ranges > 0) {
                assertThat(w.rangeCalls()).as("12 MiB written, a range every 8").isEqualTo(1);
            } else {
                assertThat(w.rangeCalls()).isZero();
            }
        }
        return all;
    }
}
