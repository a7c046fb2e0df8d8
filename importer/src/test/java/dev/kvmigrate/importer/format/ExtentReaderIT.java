package dev.kvmigrate.importer.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ExtentReader} against the kernel: the bytes of a sparse file's data extents, and which of its pages the page
 * cache holds after reading them (mincore). Plain reads (the control) pull the holes after each data run in as
 * zero-filled pages; the reader's buffered reads leave them out, its direct reads leave the data out too, and data
 * already cached is read from the cache.
 */
class ExtentReaderIT {
    private static final int MIB = 1 << 20;
    /** Data runs of 4 MiB with 12 MiB holes between them, as bench/fleet's disks at 25 % data. */
    private static final int RUNS = 8;
    private static final long RUN = 4L * MIB;
    private static final long PERIOD = 16L * MIB;
    private static final int PAGE = 4096;

    interface Mincore extends Library {
        int mincore(Pointer addr, long length, byte[] vec);
    }

    @Test
    void readsTheDataExtentsAndKeepsHolesAndUncachedDataOutOfThePageCache(@TempDir Path dir) throws IOException {
        assumeTrue(LinuxFiles.libc().isPresent(), "needs Linux and libc");
        Path file = sparse(dir.resolve("disk.raw"));
        List<Extent> extents = Extent.alignToBlocks(SeekData.extents(file, 0, Files.size(file)).orElseThrow(),
                Files.size(file));
        assumeTrue(extents.size() == RUNS, "the filesystem of " + dir + " reports holes (" + extents + ")");
        byte[] expected = Files.readAllBytes(file);

        // control: plain reads of the data runs, with the kernel's readahead
        evict(file);
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer bb = ByteBuffer.allocateDirect(256 * 1024);
            for (Extent e : extents) {
                for (long at = e.offset(); at < e.end(); at += bb.capacity()) {
                    bb.clear();
                    ch.read(bb, at);
                }
            }
        }
        long[] control = residentDataAndHolePages(file);
        assumeTrue(control[1] > 0, "this filesystem does not read ahead into holes (tmpfs?): nothing to prevent");

        // buffered only: data through the page cache, requested ahead; holes not
        evict(file);
        try (ExtentReader reader = ExtentReader.open(file, 0, extents, false)) {
            assertThat(reader.advising()).isTrue();
            assertThat(reader.direct()).isFalse();
            assertThat(readAll(reader, extents, expected.length)).isEqualTo(expected);
            assertThat(reader.bufferedBytes()).isEqualTo(RUNS * RUN);
        }
        long[] buffered = residentDataAndHolePages(file);
        assertThat(buffered[0]).as("data pages in the page cache").isEqualTo(RUNS * RUN / PAGE);
        assertThat(buffered[1]).as("hole pages in the page cache (control: %d)", control[1]).isZero();

        // as products open it: nothing cached, so everything read directly, nothing left in the page cache
        evict(file);
        try (ExtentReader reader = ExtentReader.open(file, 0, extents)) {
            assumeTrue(reader.direct(), "no O_DIRECT or cachestat(2) here (Linux 6.5+ on ext4, XFS, btrfs)");
            assertThat(readAll(reader, extents, expected.length)).isEqualTo(expected);
            assertThat(reader.directBytes()).isEqualTo(RUNS * RUN);
            assertThat(reader.bufferedBytes()).isZero();
        }
        assertThat(residentDataAndHolePages(file)).as("pages cached after direct reads").containsExactly(0, 0);

        // out of order (the read-ahead guesses wrong every time): the same bytes
        evict(file);
        try (ExtentReader reader = ExtentReader.open(file, 0, extents)) {
            byte[] got = new byte[expected.length];
            for (int i = extents.size() - 1; i >= 0; i--) {
                Extent e = extents.get(i);
                for (long at = e.offset(); at < e.end(); at += 256 * 1024) {
                    reader.read(at, 256 * 1024).get(got, (int) at, 256 * 1024);
                }
            }
            assertThat(got).isEqualTo(expected);
        }

        // cached data is read from the cache: the first run cached, the rest not
        evict(file);
        try (FileChannel ch = FileChannel.open(file)) {
            ch.read(ByteBuffer.allocate((int) RUN), 0);
        }
        try (ExtentReader reader = ExtentReader.open(file, 0, extents)) {
            assertThat(readAll(reader, extents, expected.length)).isEqualTo(expected);
            assertThat(reader.bufferedBytes()).isEqualTo(RUN);
            assertThat(reader.directBytes()).isEqualTo((RUNS - 1) * RUN);
        }
    }

    @Test
    void aFileShorterThanItsExtentsFailsNamingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("short.raw");
        Files.write(file, new byte[100_000]);
        for (boolean direct : new boolean[] {true, false}) {
            try (ExtentReader reader = ExtentReader.open(file, 0, List.of(new Extent(0, 256 * 1024)), direct)) {
                assertThatThrownBy(() -> reader.read(0, 256 * 1024)).isInstanceOf(IOException.class)
                        .hasMessageContaining(file.toString()).hasMessageContaining("ended at 10");
            }
        }
    }

    @Test
    void aSliceIsReadFromItsBaseAndATailFromTheFilesEnd(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("member.bin");
        byte[] all = new byte[3 * MIB + 1000]; // not a whole number of blocks
        new Random(3).nextBytes(all);
        Files.write(file, all);
        evict(file);
        long base = 512 + 7; // a tar member's data need not be aligned: read through the page cache
        try (ExtentReader reader = ExtentReader.open(file, base, List.of(new Extent(0, 2 * MIB)))) {
            byte[] got = new byte[64 * 1024];
            reader.read(MIB + 100, got.length).get(got);
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(all, (int) base + MIB + 100,
                    (int) base + MIB + 100 + got.length));
            assertThat(reader.directBytes()).isZero();
        }
        evict(file);
        long tail = 3L * MIB - 64 * 1024;
        try (ExtentReader reader = ExtentReader.open(file, 0, List.of(new Extent(tail, all.length - tail)))) {
            byte[] got = new byte[(int) (all.length - tail)];
            reader.read(tail, got.length).get(got);
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(all, (int) tail, all.length));
        }
    }

    @Test
    void theChannelReadsExactlyWhatIsAskedAndEndsAtTheFilesEnd(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("image.qcow2");
        byte[] all = new byte[2 * MIB + 100];
        new Random(5).nextBytes(all);
        Files.write(file, all);
        evict(file);
        try (java.nio.channels.SeekableByteChannel ch = ExtentReader.channel(file)) {
            assertThat(ch.size()).isEqualTo(all.length);
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            assertThat(ch.position(MIB).read(b)).isEqualTo(64 * 1024);
            assertThat(b.array()).isEqualTo(java.util.Arrays.copyOfRange(all, MIB, MIB + 64 * 1024));
            assertThat(ch.position()).isEqualTo(MIB + 64 * 1024);
            ByteBuffer tail = ByteBuffer.allocate(4096);
            assertThat(ch.position(2 * MIB).read(tail)).isEqualTo(100);
            assertThat(java.util.Arrays.copyOf(tail.array(), 100)).isEqualTo(
                    java.util.Arrays.copyOfRange(all, 2 * MIB, all.length));
            assertThat(ch.read(ByteBuffer.allocate(10))).isEqualTo(-1);
            assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1)))
                    .isInstanceOf(java.nio.channels.NonWritableChannelException.class);
            ch.close();
            assertThat(ch.isOpen()).isFalse();
            assertThatThrownBy(() -> ch.position(0).read(ByteBuffer.allocate(10)))
                    .isInstanceOf(java.nio.channels.ClosedChannelException.class);
        }
    }

    private static byte[] readAll(ExtentReader reader, List<Extent> extents, int size) throws IOException {
        byte[] got = new byte[size];
        for (Extent e : extents) {
            for (long at = e.offset(); at < e.end(); at += 256 * 1024) {
                int n = (int) Math.min(256 * 1024, e.end() - at);
                reader.read(at, n).get(got, (int) at, n);
            }
        }
        return got;
    }

    /** RUNS data runs of random bytes, each followed by a hole, the file ending in a hole. */
    private static Path sparse(Path file) throws IOException {
        Random rnd = new Random(1);
        byte[] run = new byte[(int) RUN];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < RUNS; i++) {
                rnd.nextBytes(run);
                ch.write(ByteBuffer.wrap(run), i * PERIOD);
            }
            ch.force(true);
        }
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(RUNS * PERIOD); // ends in a hole
        }
        return file;
    }

    /** Drops the file's (clean) pages from the page cache. */
    private static void evict(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        LinuxFiles.LibC c = LinuxFiles.libc().orElseThrow();
        int fd = c.open(file.toString(), LinuxFiles.O_RDONLY);
        try {
            assertThat(c.posix_fadvise(fd, 0, 0, 4 /* POSIX_FADV_DONTNEED */)).isZero();
        } finally {
            c.close(fd);
        }
    }

    /** Pages of the file in the page cache: {data runs, holes}. */
    private static long[] residentDataAndHolePages(Path file) throws IOException {
        Mincore m = Native.load("c", Mincore.class);
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            byte[] vec = new byte[(int) ((size + PAGE - 1) / PAGE)];
            assertThat(m.mincore(Native.getDirectBufferPointer(map), size, vec)).isZero();
            long data = 0;
            long holes = 0;
            for (int p = 0; p < vec.length; p++) {
                if ((vec[p] & 1) != 0) {
                    if ((long) p * PAGE % PERIOD < RUN) {
                        data++;
                    } else {
                        holes++;
                    }
                }
            }
            return new long[] {data, holes};
        }
    }
}
