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
 * cache holds after reading them (mincore): data pages yes, the holes between them not, where plain reads (the
 * control) pull the holes in as zero-filled pages.
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
    void readsTheDataExtentsAndLeavesTheHolesOutOfThePageCache(@TempDir Path dir) throws IOException {
        assumeTrue(LinuxFiles.libc().isPresent(), "needs Linux and libc");
        Path file = sparse(dir.resolve("disk.raw"));
        List<Extent> extents = Extent.alignToBlocks(SeekData.extents(file, 0, Files.size(file)).orElseThrow(),
                Files.size(file));
        assumeTrue(extents.size() == RUNS, "the filesystem of " + dir + " reports holes (" + extents + ")");

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

        evict(file);
        byte[] expected = Files.readAllBytes(file); // pulls everything in: evict again before the reader runs
        evict(file);
        byte[] got = new byte[expected.length];
        try (ExtentReader reader = ExtentReader.open(file, 0, extents)) {
            assertThat(reader.advising()).isTrue();
            ByteBuffer bb = ByteBuffer.allocateDirect(256 * 1024);
            for (Extent e : extents) {
                for (long at = e.offset(); at < e.end(); at += bb.capacity()) {
                    bb.clear().limit((int) Math.min(bb.capacity(), e.end() - at));
                    reader.read(bb, at);
                    bb.flip().get(got, (int) at, bb.remaining());
                }
            }
        }
        long[] advised = residentDataAndHolePages(file);
        assertThat(got).isEqualTo(expected);
        assertThat(advised[0]).as("data pages in the page cache").isEqualTo(RUNS * RUN / PAGE);
        assertThat(advised[1]).as("hole pages in the page cache (control: %d)", control[1]).isZero();
    }

    @Test
    void aFileShorterThanItsExtentsFailsNamingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("short.raw");
        Files.write(file, new byte[100_000]);
        try (ExtentReader reader = ExtentReader.open(file, 0, List.of(new Extent(0, 256 * 1024)))) {
            ByteBuffer bb = ByteBuffer.allocateDirect(256 * 1024);
            assertThatThrownBy(() -> reader.read(bb, 0)).isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("ended at 100000");
        }
    }

    @Test
    void aSliceIsReadFromItsBase(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("member.bin");
        byte[] all = new byte[3 * MIB];
        new Random(3).nextBytes(all);
        Files.write(file, all);
        long base = 512 + 7; // a tar member's data need not be aligned
        try (ExtentReader reader = ExtentReader.open(file, base, List.of(new Extent(0, 2 * MIB)))) {
            ByteBuffer bb = ByteBuffer.allocateDirect(64 * 1024);
            bb.position(100); // reads fill from the position on
            reader.read(bb, MIB);
            byte[] got = new byte[bb.capacity() - 100];
            bb.position(100).get(got);
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(all, (int) base + MIB,
                    (int) base + MIB + got.length));
        }
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
        assertThat(residentDataAndHolePages(file)[0]).as("data pages left after eviction").isZero();
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
