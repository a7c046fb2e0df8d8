package dev.kvmigrate.importer.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectWriter} against the kernel: the file holds exactly what was handed in; runs of at least
 * {@link DirectWriter#DIRECT_MIN} bytes bypass the page cache (mincore finds none of their pages), short runs and a
 * last unaligned block go through it; every run is reported in order, and a data run only once its bytes are in the
 * file.
 */
class DirectWriterIT {
    private static final int KIB = 1 << 10;
    private static final int MIB = 1 << 20;
    private static final int PAGE = 4096;
    /** What a disk's pipeline hands a sink at a time. */
    private static final int PIECE = 256 * KIB;

    private record Run(long offset, long length, boolean data) {}

    /** Zeros first, a run longer than a buffer, a short run, the file's unaligned end. */
    private static final List<Run> RUNS = List.of(
            new Run(0, MIB, false),              // zeros first: reported at once
            new Run(MIB, 6 * MIB, true),         // longer than a buffer: split over two
            new Run(7 * MIB, MIB, false),
            new Run(8 * MIB, 8 * KIB, true),     // short: through the page cache
            new Run(8 * MIB + 8 * KIB, 4 * MIB - 8 * KIB, false),
            new Run(12 * MIB, MIB, true),
            new Run(13 * MIB, 3 * MIB, false),
            new Run(16 * MIB, 102_500, true));   // the file's end: 100 KiB directly, the last 100 bytes not

    @Test
    void writesLongRunsDirectlyAndShortOnesThroughThePageCache(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("disk.img");
        byte[] image = image();
        List<Run> reported = new ArrayList<>();
        long[] counts = write(file, image, (offset, length, data) -> reported.add(new Run(offset, length, data)));
        assertThat(merged(reported)).as("the runs reported, contiguous ones merged").isEqualTo(RUNS);
        assertThat(reported).as("a run split where a buffer fills").contains(new Run(MIB, 4 * MIB, true));
        assertThat(counts).as("bytes written directly, through the page cache")
                .containsExactly(6 * MIB + MIB + 100 * KIB, 8 * KIB + 100);
        assertThat(Files.size(file)).isEqualTo(image.length);

        byte[] resident = residentPages(file);
        assertThat(pagesIn(resident, MIB, 6 * MIB)).as("pages of the long run in the page cache").isZero();
        assertThat(pagesIn(resident, 12 * MIB, MIB)).as("pages of the 1 MiB run in the page cache").isZero();
        assertThat(pagesIn(resident, 8 * MIB, 8 * KIB)).as("pages of the short run").isEqualTo(2);
        assertThat(pagesIn(resident, 16 * MIB + 100 * KIB, 100)).as("the last, partial page").isEqualTo(1);
        assertThat(Files.readAllBytes(file)).isEqualTo(image);
    }

    @Test
    void reportsADataRunOnlyOnceItsBytesAreInTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("disk.img");
        byte[] image = image();
        List<String> early = new ArrayList<>();
        write(file, image, (offset, length, data) -> {
            if (data && !Arrays.equals(read(file, offset, (int) length),
                    Arrays.copyOfRange(image, (int) offset, (int) (offset + length)))) {
                early.add(offset + "+" + length);
            }
        });
        assertThat(early).as("data runs reported before their bytes were in the file").isEmpty();
    }

    private static List<Run> merged(List<Run> runs) {
        List<Run> out = new ArrayList<>();
        for (Run r : runs) {
            Run last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.data() == r.data() && last.offset() + last.length() == r.offset()) {
                out.set(out.size() - 1, new Run(last.offset(), last.length() + r.length(), r.data()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static byte[] image() {
        Random random = new Random(7);
        byte[] image = new byte[16 * MIB + 102_500];
        for (Run r : RUNS) {
            if (r.data()) {
                byte[] data = new byte[(int) r.length()];
                random.nextBytes(data);
                System.arraycopy(data, 0, image, (int) r.offset(), data.length);
            }
        }
        return image;
    }

    /** {@link #RUNS} of {@code image} written to a new {@code file} in pieces; {directBytes, bufferedBytes}. */
    private static long[] write(Path file, byte[] image, DirectWriter.Runs runs) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            List<Run> first = new ArrayList<>();
            Optional<DirectWriter> opened = DirectWriter.open(file, out, (offset, length, data) -> {
                first.add(new Run(offset, length, data));
                runs.written(offset, length, data);
            });
            assumeTrue(opened.isPresent(), "no O_DIRECT or cachestat(2) for " + file.getParent()
                    + " (Linux 6.5+ on ext4, XFS, btrfs, f2fs)");
            try (DirectWriter writer = opened.get()) {
                for (Run r : RUNS) {
                    if (!r.data()) {
                        writer.zeros(r.offset(), r.length());
                        continue;
                    }
                    for (long at = r.offset(); at < r.offset() + r.length(); at += PIECE) {
                        int n = (int) Math.min(PIECE, r.offset() + r.length() - at);
                        writer.data(at, image, (int) at, n);
                    }
                }
                assertThat(first).as("reported before the first buffer is written").containsExactly(RUNS.get(0));
                writer.finish();
                out.force(false);
                return new long[] {writer.directBytes(), writer.bufferedBytes()};
            }
        }
    }

    @Test
    void closingWithoutFinishingWaitsForTheWriteInFlight(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("disk.img");
        byte[] data = new byte[9 * MIB];
        new Random(3).nextBytes(data);
        List<Run> reported = new ArrayList<>();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Optional<DirectWriter> opened = DirectWriter.open(file, out,
                    (offset, length, d) -> reported.add(new Run(offset, length, d)));
            assumeTrue(opened.isPresent(), "no O_DIRECT or cachestat(2) for " + dir);
            try (DirectWriter writer = opened.get()) {
                writer.data(0, data, 0, data.length); // two buffers handed to the writer thread, the last one kept
            }
        }
        // the first buffer was reported when the second was handed over; what was never finished is not reported
        assertThat(reported).containsExactly(new Run(0, 4 * MIB, true));
        assertThat(Arrays.copyOf(Files.readAllBytes(file), 4 * MIB)).isEqualTo(Arrays.copyOf(data, 4 * MIB));
    }

    private static byte[] read(Path file, long offset, int length) {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer bb = ByteBuffer.allocate(length);
            while (bb.hasRemaining() && ch.read(bb, offset + bb.position()) > 0) {
                // until the run is read or the file ends
            }
            return Arrays.copyOf(bb.array(), bb.position());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One byte per page of the file, bit 0 set where the page cache holds it (mincore). */
    private static byte[] residentPages(Path file) throws IOException {
        ExtentReaderIT.Mincore m = Native.load("c", ExtentReaderIT.Mincore.class);
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            byte[] vec = new byte[(int) ((size + PAGE - 1) / PAGE)];
            assertThat(m.mincore(Native.getDirectBufferPointer(map), size, vec)).isZero();
            return vec;
        }
    }

    private static int pagesIn(byte[] resident, long offset, long length) {
        int n = 0;
        for (long p = offset / PAGE; p < (offset + length + PAGE - 1) / PAGE; p++) {
            n += resident[(int) p] & 1;
        }
        return n;
    }
}
