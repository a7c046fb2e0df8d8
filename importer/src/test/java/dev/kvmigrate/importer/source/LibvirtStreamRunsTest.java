package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.importer.format.ZeroBlocks;
import dev.kvmigrate.importer.transfer.BlockVisitor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LibvirtStreamRunsTest {
    private static final int B = ZeroBlocks.BLOCK;

    /** Collects runs and rebuilds the disk, checking every run's alignment. */
    private static final class Disk implements BlockVisitor {
        final byte[] bytes;
        final List<String> runs = new ArrayList<>();
        long pos;
        long dataBytes;

        Disk(int size) {
            bytes = new byte[size];
            Arrays.fill(bytes, (byte) 0x77); // anything not visited shows
        }

        @Override
        public void data(long offset, byte[] buf, int off, int len) {
            assertThat(offset).isEqualTo(pos);
            assertThat(offset % B).isZero();
            System.arraycopy(buf, off, bytes, (int) offset, len);
            pos += len;
            dataBytes += len;
            runs.add("D" + offset + "+" + len);
        }

        @Override
        public void zeros(long offset, long length) {
            assertThat(offset).isEqualTo(pos);
            assertThat(offset % B).isZero();
            if (!runs.isEmpty()) {
                assertThat(runs.get(runs.size() - 1)).as("zero runs are merged").doesNotStartWith("Z");
            }
            Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0);
            pos += length;
            runs.add("Z" + offset + "+" + length);
        }
    }

    @Test
    void unalignedHolesAndChunksRebuildTheDisk() throws Exception {
        Random rnd = new Random(7);
        int size = 64 * B + 12345;
        byte[] want = new byte[size];
        Disk disk = new Disk(size);
        LibvirtStreamRuns runs = new LibvirtStreamRuns(disk);
        int at = 0;
        while (at < size) {
            int len = Math.min(size - at, 1 + rnd.nextInt(3 * B));
            if (rnd.nextBoolean()) {
                runs.hole(len);
            } else {
                byte[] chunk = new byte[len];
                rnd.nextBytes(chunk);
                System.arraycopy(chunk, 0, want, at, len);
                // handed on in pieces, as recv returns them
                int off = 0;
                while (off < len) {
                    int n = Math.min(len - off, 1 + rnd.nextInt(B));
                    runs.data(Arrays.copyOfRange(chunk, off, off + n), n);
                    off += n;
                }
            }
            at += len;
        }
        assertThat(runs.finish()).isEqualTo(size);
        assertThat(disk.pos).isEqualTo(size);
        assertThat(disk.bytes).isEqualTo(want);
    }

    @Test
    void aLargeHoleIsOneZeroRunNeverBytes() throws Exception {
        List<String> seen = new ArrayList<>();
        LibvirtStreamRuns runs = new LibvirtStreamRuns(new BlockVisitor() {
            @Override
            public void data(long offset, byte[] buf, int off, int len) {
                seen.add("D" + offset + "+" + len);
            }

            @Override
            public void zeros(long offset, long length) {
                seen.add("Z" + offset + "+" + length);
            }
        });
        byte[] one = new byte[4096];
        Arrays.fill(one, (byte) 1);
        runs.data(one, 4096);
        runs.hole(1L << 40); // 1 TiB: must not be materialised
        runs.data(one, 4096);
        assertThat(runs.finish()).isEqualTo(4096 + (1L << 40) + 4096);
        // the first block holds data plus the hole's head; the hole's whole blocks; its tail plus the data
        assertThat(seen).containsExactly("D0+" + B, "Z" + B + "+" + ((1L << 40) - B), "D" + (1L << 40) + "+" + 8192);
    }

    @Test
    void zeroDataBlocksBecomeZeroRunsMergedWithHoles() throws Exception {
        List<String> seen = new ArrayList<>();
        LibvirtStreamRuns runs = new LibvirtStreamRuns(new BlockVisitor() {
            @Override
            public void data(long offset, byte[] buf, int off, int len) {
                seen.add("D" + offset + "+" + len);
            }

            @Override
            public void zeros(long offset, long length) {
                seen.add("Z" + offset + "+" + length);
            }
        });
        runs.data(new byte[2 * B], 2 * B);
        runs.hole(3 * B);
        runs.data(new byte[B], B);
        assertThat(runs.finish()).isEqualTo(6L * B);
        assertThat(seen).containsExactly("Z0+" + 6L * B);
    }
}
