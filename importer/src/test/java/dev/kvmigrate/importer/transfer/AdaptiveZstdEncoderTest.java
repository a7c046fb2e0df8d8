package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdaptiveZstdEncoderTest {
    static final int MIB = 1 << 20;

    /**
     * A disk like an OS disk: compressible text, incompressible runs, small zero runs inside data and large holes,
     * fed in 1 MiB calls. Returns the disk's bytes.
     */
    static byte[] mixed(BlockVisitor v, int mib, long seed) throws IOException {
        Random rnd = new Random(seed);
        String[] words = "the kernel module loads firmware from lib and the package manager keeps its database in var"
                .split(" ");
        ByteArrayOutputStream disk = new ByteArrayOutputStream();
        long pos = 0;
        for (int i = 0; i < mib; i++) {
            byte[] b = new byte[MIB];
            switch (i % 8) {
                case 0, 1, 2, 3 -> {
                    StringBuilder sb = new StringBuilder();
                    while (sb.length() < MIB) {
                        sb.append(words[rnd.nextInt(words.length)]).append(rnd.nextInt(10) == 0 ? '\n' : ' ')
                                .append(Integer.toHexString(rnd.nextInt(1 << 20))).append(' ');
                    }
                    System.arraycopy(sb.toString().getBytes(StandardCharsets.US_ASCII), 0, b, 0, MIB);
                }
                case 4 -> rnd.nextBytes(b);
                default -> { }
            }
            if (i % 8 == 5) {
                v.zeros(pos, 64 * 1024); // a small zero run between data
                v.data(pos + 64 * 1024, b, 64 * 1024, MIB - 64 * 1024);
                rnd.nextBytes(new byte[0]);
            } else if (i % 8 >= 6) {
                v.zeros(pos, MIB); // with the next one: a 2 MiB hole
            } else {
                v.data(pos, b, 0, MIB);
            }
            if (i % 8 == 5) {
                java.util.Arrays.fill(b, 0, 64 * 1024, (byte) 0);
            }
            disk.write(b);
            pos += MIB;
        }
        return disk.toByteArray();
    }

    /** A stream that takes at most {@code bytesPerSecond}, blocking like a socket under backpressure. */
    static OutputStream throttled(OutputStream out, double bytesPerSecond) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                try {
                    long nanos = (long) (len * 1e9 / bytesPerSecond);
                    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        };
    }

    static byte[] decode(byte[] wire) throws IOException {
        return new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(wire)).readAllBytes();
    }

    @Test
    void slowLinkCompressesAndTheDiskDecodesIdentical() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        AdaptiveZstdEncoder e = new AdaptiveZstdEncoder(throttled(wire, 25e6), 1);
        byte[] disk = mixed(e, 96, 1);
        assertThat(e.openContexts()).as("the worker's zstd context").isPositive();
        e.finish();
        assertThat(decode(wire.toByteArray())).isEqualTo(disk);
        assertThat(e.levels()).as("measures %s, link %d B/s", e.measures(), e.linkBytesPerSecond())
                .doesNotStartWith("none");
        assertThat(e.linkBytesPerSecond()).isBetween(10_000_000L, 40_000_000L);
        assertThat(e.openContexts()).as("zstd contexts freed once finished").isZero();
        // 60 % of the disk is data, two thirds of that text: compressed it is well under half the data
        assertThat((long) wire.size()).isLessThan((long) (0.4 * disk.length));
    }

    @Test
    void linkFasterThanCompressionSendsDataStored() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream(170 * MIB); // memory, never regrown: GB/s
        AdaptiveZstdEncoder e = new AdaptiveZstdEncoder(wire, 1);
        byte[] disk = mixed(e, 160, 2);
        e.finish();
        assertThat(decode(wire.toByteArray())).isEqualTo(disk);
        assertThat(e.levels()).as("measures %s, link %d B/s", e.measures(), e.linkBytesPerSecond())
                .startsWith("none:");
        assertThat(e.measures()).containsKeys(1, 3, 6);
        assertThat(e.linkBytesPerSecond()).isGreaterThan(1_000_000_000L);
        // stored chunks go from the caller's array to the wire (only those a probe samples are copied)
        assertThat(e.passedBytes()).as("bytes passed through without a copy").isGreaterThan(64L * MIB);
    }

    @Test
    void aLinkThatSlowsDownEndsThePassingThroughAndCompresses() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream(170 * MIB);
        OutputStream slow = throttled(wire, 25e6);
        long[] written = {0};
        OutputStream link = new FilterOutputStream(wire) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                (written[0] < 64L * MIB ? out : slow).write(b, off, len); // fast for 64 MiB, then 25 MB/s
                written[0] += len;
            }
        };
        AdaptiveZstdEncoder e = new AdaptiveZstdEncoder(link, 1);
        byte[] disk = mixed(e, 144, 3);
        e.finish();
        assertThat(decode(wire.toByteArray())).isEqualTo(disk);
        assertThat(e.passedBytes()).as("passed through while the link was fast").isPositive();
        assertThat(e.levels()).as("measures %s, link %d B/s", e.measures(), e.linkBytesPerSecond())
                .contains("zstd");
    }

    @Test
    void emptyAndHoleOnlyDisksAreValidStreams() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        AdaptiveZstdEncoder e = new AdaptiveZstdEncoder(wire, 1);
        e.finish();
        assertThat(decode(wire.toByteArray())).isEmpty();
        assertThat(e.levels()).isEmpty();

        wire.reset();
        AdaptiveZstdEncoder h = new AdaptiveZstdEncoder(wire, 1);
        h.zeros(0, 5L * MIB + 7);
        h.finish();
        assertThat(decode(wire.toByteArray())).isEqualTo(new byte[5 * MIB + 7]);
        assertThat(wire.size()).isLessThan(1024);
    }

    @Test
    void theProbeSampleIsSpreadOverTheChunksDataAndLeavesItsZeroRunsOut() {
        int len = 4 * MIB; // sample() takes a chunk of any length
        byte[] chunk = new byte[len];
        for (int i = 0; i < len; i++) {
            chunk[i] = (byte) (1 + i / MIB); // MiB k holds the value k + 1: where a sample byte came from
        }
        // zero runs: the first MiB but 64 KiB of metadata, and 512 KiB in the third MiB
        java.util.List<int[]> zeroRuns = java.util.List.of(new int[] {64 * 1024, MIB - 64 * 1024},
                new int[] {2 * MIB, 512 * 1024});
        for (int[] z : zeroRuns) {
            java.util.Arrays.fill(chunk, z[0], z[0] + z[1], (byte) 0);
        }
        byte[] sample = LevelMeter.sample(chunk, len, zeroRuns);
        assertThat(sample).hasSize(LevelMeter.PROBE);
        java.util.Set<Byte> from = new java.util.TreeSet<>();
        for (byte b : sample) {
            from.add(b);
        }
        assertThat(from).as("no zero-run bytes, and every MiB of the chunk represented").containsExactly(
                (byte) 1, (byte) 2, (byte) 3, (byte) 4);

        // less data than a probe: all of it, in order
        java.util.List<int[]> mostlyZero = java.util.List.of(new int[] {100, len - 200});
        byte[] small = LevelMeter.sample(chunk, len, mostlyZero);
        assertThat(small).hasSize(200);
        assertThat(java.util.Arrays.copyOfRange(small, 0, 100)).isEqualTo(java.util.Arrays.copyOfRange(chunk, 0, 100));
        assertThat(java.util.Arrays.copyOfRange(small, 100, 200))
                .isEqualTo(java.util.Arrays.copyOfRange(chunk, len - 100, len));
        assertThat(LevelMeter.sample(chunk, len, java.util.List.of(new int[] {0, len}))).isEmpty();
        assertThat(LevelMeter.sample(chunk, 7, java.util.List.of())).hasSize(7);
    }
}
