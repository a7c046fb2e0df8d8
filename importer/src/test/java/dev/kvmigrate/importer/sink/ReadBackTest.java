package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.importer.format.Extent;
import dev.kvmigrate.importer.format.ZeroBlocks;
import dev.kvmigrate.importer.transfer.BlockVisitor;
import dev.kvmigrate.importer.transfer.Checksum;
import dev.kvmigrate.importer.transfer.ContentDigest;
import dev.kvmigrate.importer.transfer.FileSliceContent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-back that runs while a directory target is written: its digest is the file's (what a whole-file read-back
 * gives), it reads the file and not what the writer meant, and it finds data where nothing was written.
 */
class ReadBackTest {
    private static final int BLOCK = ZeroBlocks.BLOCK;
    private static final long SIZE = 64L * BLOCK;

    @TempDir
    Path tmp;

    @Test
    void digestAndDataBytesAreThoseOfTheWholeFile() throws IOException {
        Path file = tmp.resolve("a.img");
        byte[] run = random(1, 5 * BLOCK);
        System.arraycopy(new byte[BLOCK], 0, run, 2 * BLOCK, BLOCK); // a zero block inside a data run
        ReadBack.Verified v;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ReadBack rb = new ReadBack(file, Checksum.XXH3.start())) {
            rb.zeros(0, 3L * BLOCK);
            write(out, 3L * BLOCK, run);
            rb.data(3L * BLOCK, run.length);
            rb.zeros(8L * BLOCK, 40L * BLOCK);
            byte[] tail = random(2, 2 * BLOCK);
            write(out, 48L * BLOCK, tail);
            rb.data(48L * BLOCK, tail.length);
            rb.zeros(50L * BLOCK, SIZE - 50L * BLOCK);
            try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(SIZE);
            }
            v = rb.finish(SIZE).orElseThrow();
        }
        ContentDigest whole = Checksum.XXH3.start();
        long[] data = {0};
        new FileSliceContent(file, 0, SIZE).accept(BlockVisitor.tee(whole, new BlockVisitor() {
            @Override
            public void data(long offset, byte[] buf, int off, int len) {
                data[0] += len;
            }

            @Override
            public void zeros(long offset, long length) {
                // not data
            }
        }));
        assertThat(v.digest()).isEqualTo(whole.finish());
        assertThat(v.dataBytes()).as("the zero block in the run is not data").isEqualTo(6L * BLOCK).isEqualTo(data[0]);
    }

    @Test
    void readsTheFileNotWhatTheWriterMeant() throws IOException {
        Path file = tmp.resolve("b.img");
        byte[] meant = random(3, 4 * BLOCK);
        byte[] kept = meant.clone();
        kept[BLOCK + 7] ^= 1; // the filesystem kept one bit different
        ContentDigest expected = Checksum.XXH3.start();
        expected.data(0, meant, 0, meant.length);
        ReadBack.Verified v;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ReadBack rb = new ReadBack(file, Checksum.XXH3.start())) {
            write(out, 0, kept);
            rb.data(0, meant.length);
            v = rb.finish(meant.length).orElseThrow();
        }
        ContentDigest actual = Checksum.XXH3.start();
        actual.data(0, kept, 0, kept.length);
        assertThat(v.digest()).isEqualTo(actual.finish()).isNotEqualTo(expected.finish());
    }

    @Test
    void dataWhereNothingWasWrittenIsFound() throws IOException {
        Path file = tmp.resolve("c.img");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ReadBack rb = new ReadBack(file, Checksum.XXH3.start())) {
            byte[] run = random(4, 2 * BLOCK);
            write(out, 0, run);
            rb.data(0, run.length);
            write(out, 20L * BLOCK, random(5, 100)); // a stray write, handed on as zeros
            rb.zeros(2L * BLOCK, SIZE - 2L * BLOCK);
            try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(SIZE);
            }
            assertThatThrownBy(() -> rb.finish(SIZE)).isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("bytes " + 20L * BLOCK + "-" + 21L * BLOCK)
                    .hasMessageContaining("where nothing was written");
        }
    }

    @Test
    void zerosKeptOnDiskWhereNothingWasWrittenPass() throws IOException {
        Path file = tmp.resolve("f.img");
        ReadBack.Verified v;
        byte[] run = random(8, BLOCK);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ReadBack rb = new ReadBack(file, Checksum.XXH3.start())) {
            write(out, 0, new byte[4 * BLOCK]); // as a filesystem without holes keeps a zero run
            rb.zeros(0, 4L * BLOCK);
            write(out, 4L * BLOCK, run);
            rb.data(4L * BLOCK, run.length);
            v = rb.finish(5L * BLOCK).orElseThrow();
        }
        ContentDigest whole = Checksum.XXH3.start();
        new FileSliceContent(file, 0, 5L * BLOCK).accept(whole);
        assertThat(v.digest()).isEqualTo(whole.finish());
        assertThat(v.dataBytes()).isEqualTo(BLOCK);
    }

    @Test
    void outsideIsWhatNoRunCovers() {
        List<Extent> runs = List.of(new Extent(10, 10), new Extent(30, 10), new Extent(50, 5));
        assertThat(ReadBack.outside(List.of(new Extent(0, 60)), runs)).containsExactly(new Extent(0, 10),
                new Extent(20, 10), new Extent(40, 10), new Extent(55, 5));
        assertThat(ReadBack.outside(List.of(new Extent(12, 5), new Extent(32, 20)), runs))
                .containsExactly(new Extent(40, 10));
        assertThat(ReadBack.outside(List.of(new Extent(0, 5)), List.of())).containsExactly(new Extent(0, 5));
        assertThat(ReadBack.outside(List.of(), runs)).isEmpty();
    }

    @Test
    void aFileShorterThanWhatWasWrittenFails() throws IOException {
        Path file = tmp.resolve("d.img");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ReadBack rb = new ReadBack(file, Checksum.XXH3.start())) {
            write(out, 0, random(6, BLOCK));
            rb.data(0, 2L * BLOCK); // says two blocks, the file holds one
            assertThatThrownBy(() -> rb.finish(2L * BLOCK)).isInstanceOf(IOException.class)
                    .hasMessageContaining("reading " + file + " back failed")
                    .hasMessageContaining("ended at " + BLOCK);
        }
    }

    @Test
    void closingWithoutFinishingStopsTheReader() throws Exception {
        Path file = tmp.resolve("e.img");
        Thread reader;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ReadBack rb = new ReadBack(file, Checksum.XXH3.start())) {
            write(out, 0, random(7, BLOCK));
            rb.data(0, BLOCK);
            reader = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("read-back"))
                    .findFirst().orElseThrow();
        }
        reader.join(10_000);
        assertThat(reader.isAlive()).isFalse();
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void write(FileChannel out, long at, byte[] bytes) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(bytes);
        while (bb.hasRemaining()) {
            out.write(bb, at + bb.position());
        }
    }
}
